"""The `make demo` traffic and its summary."""
