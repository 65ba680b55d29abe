"""Assistance selectors: reads that always take the acting user and are region-scoped."""
