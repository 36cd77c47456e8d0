"""Browser forms: parse and check what a page posts, then hand plain values to the services."""
