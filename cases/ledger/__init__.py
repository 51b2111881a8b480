"""The ledger's screens and partner API (the services live in cases/services/ledger*.py)."""
