"""Each backend's offline rules (:class:`~mdwx.publish.backends.base.Rules`): what the media
API and the draft API refuse that is known before a request.

``check``, ``build`` and ``publish`` apply them alike (:func:`mdwx.publish.rules.apply_rules`).
They live apart from the backends' calls (:mod:`.media`, :mod:`.draft`, whose classes extend
these) so that an offline command never imports the publishing stack (the plan, the state
store, the HTTP client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdwx.config import SiteConfig
from mdwx.errors import ArticleError, PublishError

if TYPE_CHECKING:
    from mdwx.prepare import Prepared
    from mdwx.source.model import Article

#: Cover crops → the shape (width : height) each must have.
CROP_RATIOS = {"pic_crop_235_1": 2.35, "pic_crop_1_1": 1.0}
#: Submissions a day the media API takes per account (docs/wechat/media-api.md).
DAILY_SUBMIT_LIMIT = 200


class MediaRules:
    """What the media API refuses that is known offline: image posts (no crops, no own limits)."""

    name = "media"
    takes_crops = False
    daily_submit_limit: int | None = DAILY_SUBMIT_LIMIT

    def __init__(self, config: SiteConfig) -> None:
        self.config = config

    def check(self, prepared: Prepared) -> None:
        article = prepared.article
        if article.post_type == "images":
            raise PublishError(
                "image posts (type: images) are published through the draft-box API only",
                path=article.path,
                line=article.key_lines.get("type"),
                hint='set backend = "draft" in mdwx.toml or pass --backend draft',
            )

    def check_cover(self, article: Article, width: int, height: int) -> None:
        """The media API takes no cover crops: nothing to check."""


class DraftRules:
    """What the draft API refuses that is known offline: its field limits ([draft] in
    mdwx.toml, an account's [accounts.NAME.draft]) and the shape of each cover crop."""

    name = "draft"
    takes_crops = True
    daily_submit_limit: int | None = None  # none documented

    def __init__(self, config: SiteConfig) -> None:
        self.config = config

    def check(self, prepared: Prepared) -> None:
        """The draft API's limits ([draft] in mdwx.toml; an image post's text and pictures
        were checked by :func:`mdwx.prepare.prepare`); raises :class:`mdwx.errors.ArticleError`
        at the file's line."""
        article, limits = prepared.article, self.config.draft
        fields = [("title", article.title, limits.title), ("author", article.author, limits.author)]
        if article.digest_given and article.post_type != "images":
            fields.append(("digest", article.digest, limits.digest))
        for name, value, limit in fields:
            size, unit = self._size(name, value)
            if size > limit:
                raise ArticleError(
                    f"{name} is {size} {unit}, {size - limit} over the draft API's limit of {limit}",
                    path=article.path,
                    line=article.key_lines.get(name),
                    hint=f"shorten the {name}, or set draft.{name} in mdwx.toml to what your account accepts",
                )

    def check_cover(self, article: Article, width: int, height: int) -> None:
        """Each cover crop must have its shape (2.35:1, 1:1) in pixels of the cover (``width``
        × ``height``, as sent), within a pixel on each edge, as WeChat checks it; raises
        :class:`mdwx.errors.ArticleError` at the crop's line."""
        for key, ratio in CROP_RATIOS.items():
            crop = getattr(article, key)
            if not crop:
                continue
            x1, y1, x2, y2 = (float(t) for t in crop.split("_"))
            box_w, box_h = (x2 - x1) * width, (y2 - y1) * height
            high = (box_w + 2) / (box_h - 2) if box_h > 2 else float("inf")
            if not (box_w - 2) / (box_h + 2) <= ratio <= high:
                fit = round(min(height * ratio, width) / width, 4)
                raise ArticleError(
                    f"{key} is {box_w:.0f}×{box_h:.0f} px of the {width}×{height} cover, not {ratio:g}:1",
                    path=article.path,
                    line=article.key_lines.get(key),
                    hint=f"make the box {ratio:g} times as wide as high in pixels, e.g. x2 - x1 = {fit} "
                    f"with y from 0 to {round(min(width / ratio, height) / height, 4)}",
                )

    def _size(self, name: str, value: str) -> tuple[int, str]:
        if name == "digest" and self.config.draft.digest_unit == "bytes":
            return len(value.encode("utf-8")), "bytes"
        return len(value), "characters"
