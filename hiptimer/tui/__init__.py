"""The terminal app: screens that render a run's state and turn keys into engine events.

Importing this package imports nothing else; :mod:`hiptimer.tui.app` pulls in Textual.
"""
