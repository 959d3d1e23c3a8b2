"""Reading one post of the pipeline into its validated :class:`~mdwx.source.model.Article`.

The gate's posts (:class:`~mdwx.source.posts.Post`) are read here by every stage that needs
the article: prepare, routing, status, deletion and the git integration. They call it as
``reading.read_post``, looked up at each call, so a test can count the reads.
"""

from __future__ import annotations

from mdwx.errors import MdwxError, raise_all
from mdwx.source.article import read_article_found
from mdwx.source.model import Article
from mdwx.source.posts import Post


def read_post(post: Post) -> Article:
    """The post's validated article: from its text when held in memory, else from its file.

    Raises the first error of its front matter, carrying the others (:meth:`MdwxError.gather`).
    """
    article, errors = read_post_found(post)
    raise_all(errors, article.warnings)
    return article


def read_post_found(post: Post) -> tuple[Article, list[MdwxError]]:
    """The post's article, keys in error at their defaults, and every error of its keys."""
    text = post.source_text()  # the gate's rules, for text held in memory too
    # A file's relative references resolve from its real folder; in-memory text's from its path's.
    path = post.path if post.text is not None else post.confined_path()
    return read_article_found(text, path, post.config, post.meta)
