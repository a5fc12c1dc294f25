"""Use cases: each one transaction, the only callers of storage from a request."""
