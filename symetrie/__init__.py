"""Symétrie: the symmetry of attention between customers and employees."""
