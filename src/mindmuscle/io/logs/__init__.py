"""io logs."""
