"""The front-matter keys mdwx reads (its own, and the math switches of the generators).

Declared once, with their documentation and the generators' keys that map to them, in
:mod:`mdwx.settings.front`; named here too for the readers that import them from the source
stage.
"""

from __future__ import annotations

from mdwx.settings.front import KNOWN_KEYS

__all__ = ["KNOWN_KEYS"]
