"""多图文 bundles as a site declares them: the ``bundle``/``bundle_index`` front matter
(:mod:`.keys`) and the ``[bundles]`` table of mdwx.toml (:mod:`.table`). Below both the
config and the source stage, which each read one of the two ways in."""
