"""State: the SQLite record of uploads, videos and articles per account and backend, post identity and recovery."""
