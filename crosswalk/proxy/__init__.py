"""The proxy (`crosswalk serve`): any client format in front of any upstream format.

`config.py` is what it serves (listen address, upstreams, routes, client keys, loss
policy, limits), read from `crosswalk.toml`, from command-line flags, or from the
vendors' usual environment variables.
"""
