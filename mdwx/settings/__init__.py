"""Every ``mdwx.toml`` setting and front-matter key, declared once.

:mod:`mdwx.settings.declare` turns a dataclass field into a setting (kind, bounds or choices,
default, one line of documentation) and reads values by it; :mod:`mdwx.settings.checks`
holds the checks no table can say; :mod:`mdwx.settings.lines` finds the line of a setting
for its error; :mod:`mdwx.settings.front` declares the front-matter keys and which keys of
Pelican and MkDocs pages reach mdwx; :mod:`mdwx.settings.reference` writes the settings
reference (``docs/settings.md``) from all of them. Nothing here imports the config, the
source or the render stages: they import this.
"""
