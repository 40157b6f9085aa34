"""Shared test helpers: free ports, servers in-process, services and meshes as processes."""
