"""Reading a site's local files: the one capped, confined reader and the notes of what it read."""
