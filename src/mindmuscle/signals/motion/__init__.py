"""signals motion."""
