"""``POST /forward``: a request passed straight through to the provider (reference §5)."""
