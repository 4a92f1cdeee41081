"""The pure core: the session schema, the plan, the run engine, progression, results and cues.

May import the standard library, pydantic and itself: no textual, sqlite3, audio, platformdirs, clock."""
