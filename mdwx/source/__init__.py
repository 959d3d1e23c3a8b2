"""Read: post discovery, front matter and the validated Article model."""
