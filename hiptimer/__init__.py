"""hiptimer: guided hip routines for runners, in the terminal."""

__version__ = "0.1.0"
