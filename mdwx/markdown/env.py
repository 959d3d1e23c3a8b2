"""Where mdwx keeps its own state in markdown-it's ``env``: one key, read by the syntax rules
(a callout's title follows the article's language) and filled by the renderer with its
:class:`~mdwx.render.context.RenderContext`."""

ENV_KEY = "mdwx"
