"""Provider logos: a generated monogram tile in the provider's colour.

Roost ships no third-party trademarks; a clean monogram keeps the picker recognisable
without them. Operators can point ``icon``/``logo`` at real artwork in a definition.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from roost.providers.catalogue import ProviderDefinition


def monogram(display_name: str) -> str:
    words = [word for word in display_name.replace("-", " ").split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or display_name[:1]
    return letters.upper()


def _text_colour(background: str) -> str:
    hex_value = background.lstrip("#")
    if len(hex_value) != 6:
        return "#ffffff"
    red, green, blue = (int(hex_value[i : i + 2], 16) for i in (0, 2, 4))
    # ITU-R BT.601 luma: dark text on light tiles, white text on dark ones.
    return "#1f2937" if (0.299 * red + 0.587 * green + 0.114 * blue) > 170 else "#ffffff"


def logo_svg(provider: ProviderDefinition) -> str:
    colour = provider.primary_color or "#4b5563"
    letters = escape(monogram(provider.display_name))
    size = 30 if len(letters) > 1 else 36
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" '
        f'role="img" aria-label="{escape(provider.display_name)}">'
        f'<rect width="96" height="96" rx="20" fill="{escape(colour)}"/>'
        f'<text x="48" y="50" text-anchor="middle" dominant-baseline="central" '
        f'font-family="Inter, Helvetica, Arial, sans-serif" font-weight="700" font-size="{size}" '
        f'fill="{_text_colour(colour)}">{letters}</text></svg>'
    )
