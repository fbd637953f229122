"""What the benchmark scripts share: timers, the synthetic market and its database, servers.

Each module imports only what it needs, so that ``benchmarks/bare_app.py`` (no auth, no
database) can build the market without loading the api.
"""
