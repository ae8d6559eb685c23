"""The shared core: settings, errors, storage, jobs, authentication and time."""
