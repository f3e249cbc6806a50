"""coach."""
