"""Synthetic extracts: invented children only, never real records."""
