"""The server's LSP features, one module per request, each with ``register(server)``."""
