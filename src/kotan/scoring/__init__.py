"""IKOTAN scoring: the index engine and its category schemes (pure Python + numpy, no Django)."""
