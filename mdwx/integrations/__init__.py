"""Publishing from where writers already work: git ranges and hooks, CI runners, and the
MkDocs and Pelican plugins."""
