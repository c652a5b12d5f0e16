"""The reference central platform: the server side of the sync protocol, for
development, demos and tests. A province's real platform speaks the same protocol."""
