"""Publishing from where writers already work: git ranges and hooks, CI runners."""
