"""Widgets of the run screen, each with its own DEFAULT_CSS."""
