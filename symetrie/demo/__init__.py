"""The demo company generator: each domain adds its part (org first)."""
