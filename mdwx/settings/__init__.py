"""Every ``mdwx.toml`` setting declared once, and the reference of settings and front matter.

:mod:`mdwx.settings.declare` turns a dataclass field into a setting (kind, bounds or choices,
default, one line of documentation) and reads values by it; :mod:`mdwx.settings.checks`
holds the checks no table can say; :mod:`mdwx.settings.lines` finds the line of a setting
for its error; :mod:`mdwx.source.front_keys` declares the front-matter keys and which keys of
Pelican and MkDocs pages reach mdwx; :mod:`mdwx.settings_reference` writes the settings
reference (``docs/settings.md``) from all of them. Below the config: nothing here imports
it, the render or the publish stages (only the source stage's reader and key list).
"""
