"""goalbot's storage: tables, engine and sessions, repositories and migrations."""
