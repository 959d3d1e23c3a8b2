"""The Markdown mdwx reads, below both the source stage and the renderer.

The syntax setup (:mod:`.syntax`: CommonMark plus GFM, math, callouts, attributes, the
CJK-friendly emphasis rule and the parser bounds), its one scanner of fenced code and headings,
and the syntax plugins it uses. :mod:`mdwx.source` reads posts with it (titles, digests, the
generators' rewrites) and :mod:`mdwx.render` renders with it, so both agree on where code
starts and ends.
"""
