"""The Finch ``/sandbox/*`` API (reference §11) and Roost's fault injection for sandbox connections."""
