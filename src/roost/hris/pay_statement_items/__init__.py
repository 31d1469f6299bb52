"""Pay statement items and the rules that label them (reference §2, §8).

Items are derived from the synced pay statements; rules belong to one connection (and, on a
multi-entity connection, one entity) and attach ``attributes.metadata`` to matching items.
"""
