"""Finding and loading session files, with `path:line:col` positions for every error.

May import the core, locations and resources; knows no screen, history or audio."""
