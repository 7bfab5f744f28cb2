"""Comment sources: each connector fetches comments from one channel and can act on them."""
