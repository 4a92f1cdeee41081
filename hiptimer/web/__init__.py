"""`hiptimer serve`: the app in a browser tab, its page script and its token and origin checks.

May import the core, catalog and locations; starts the tui as a process of its own, never imports it."""
