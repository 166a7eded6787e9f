"""The estimate: its pure method, the estimates built on it, and their one-line summary."""
