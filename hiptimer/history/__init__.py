"""The run history: the SQLite store, its schema and migrations, the export format, the history command.

May import the core, locations and settings; knows no screen, audio or web."""
