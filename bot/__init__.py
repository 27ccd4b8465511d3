"""goalbot's core: settings, services (the method), Block Kit builders, scheduling and the CLI."""
