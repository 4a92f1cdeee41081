"""The terminal app: screens that render a run's state and turn keys into engine events.

May import the core, catalog, history (its store, records and export format), audio and export;
never the web package or the command line. Importing this package imports nothing else.
"""
