"""A backend's offline rules applied to a prepared post: one function for every door.

``check``, ``build``, ``publish --dry-run`` and the real publish all call
:func:`apply_rules` on each (post, account, backend) a post goes to, so what ``publish``
refuses before sending is what ``check`` reports. The rules:

- the backend's own (:class:`mdwx.publish.backends.Rules`): field limits, post types it
  cannot publish (image posts on the media API), cover crops (``pic_crop_*``) against the
  cover's size as it will be sent — worked out from the local file, or the made cover; a
  remote cover's size is known only once it is fetched, so its crops are checked then;
- remote pictures: an http(s) URL with a host that is not known to be private (a literal
  loopback/private address, ``localhost``); what a name resolves to is checked at fetch time.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from mdwx.assets.local import read_source
from mdwx.document import AssetKind
from mdwx.errors import AssetError, ConfigError, MdwxError, raise_all
from mdwx.publish.backends import make_rules
from mdwx.urls import is_remote

if TYPE_CHECKING:
    from mdwx.assets.verify import CoverReference
    from mdwx.config import SiteConfig
    from mdwx.document import Document
    from mdwx.prepare import Prepared
    from mdwx.publish.backends import Rules
    from mdwx.source.model import Article

#: Remote references that are fetched (videos are local files; formulas are made here).
_FETCHED = (AssetKind.IMAGE, AssetKind.CARD_IMAGE)


def apply_rules(prepared: Prepared, backend: str) -> None:
    """Raise :class:`mdwx.errors.MdwxError` (file and line) for what ``backend`` (``"media"``,
    ``"draft"``) or the fetch of remote pictures would refuse, known offline: every refusal,
    the first carrying the others (:meth:`mdwx.errors.MdwxError.gather`), so one rule's
    error never hides another's."""
    rules = make_rules(backend, prepared.post.config)
    steps: list[Callable[[Prepared], None]] = [rules.check, check_remote_pictures]
    if rules.takes_crops:
        steps.append(lambda p: check_crops(p, rules))
    found: list[MdwxError] = []
    for step in steps:
        try:
            step(prepared)
        except ConfigError:
            raise  # the site or the call is wrong: nothing more to judge
        except MdwxError as exc:
            found.append(exc)
    raise_all(found)


def check_remote_pictures(prepared: Prepared) -> None:
    """Raise every :func:`remote_picture_errors` of ``prepared`` (the first carrying the rest)."""
    raise_all(
        remote_picture_errors(
            prepared.article, prepared.document, prepared.cover, prepared.post.config
        )
    )


def remote_picture_errors(
    article: Article, document: Document, cover: CoverReference | None, config: SiteConfig
) -> list[MdwxError]:
    """Each remote picture (and a remote cover) that would be fetched must be an http(s) URL
    whose host is not known to be non-public (:func:`mdwx.assets.fetch.check_remote_offline`);
    a URL a ``mirrors`` prefix claims is not fetched, and its copy must be in the site
    (:func:`mdwx.publish.resolve.mirrored`, the rule publish loads by). Returns every
    :class:`AssetError`, each at its line: :func:`mdwx.prepare.prepare` gathers them with the
    post's other problems, so one missing file never hides another."""
    references = [(a.source, a.line) for a in document.assets if a.kind in _FETCHED and a.is_remote]
    if cover is not None and is_remote(cover[0]) and article.post_type != "images":
        references.append((cover[0], cover[2]))
    if not references:
        return []
    # Only now: a URL is checked as the fetch will parse it (httpx's parser), and importing the
    # fetch stack (httpx, asyncio, ssl) is most of an offline command's start-up.
    from mdwx.assets.fetch import FetchPolicy, check_remote_offline
    from mdwx.publish.resolve import mirrored

    policy = FetchPolicy.from_limits(config.images)
    found: list[MdwxError] = []
    for source, line in references:
        try:
            if mirrored(config, source) is None:  # a mirrored URL is never fetched
                check_remote_offline(source, policy)
        except AssetError as exc:
            found.append(exc.at(article.path, line))
    return found


def check_crops(prepared: Prepared, rules: Rules) -> None:
    """The post's cover crops against its cover's size as sent, when that is known offline
    (a local or ``data:`` cover, or the cover publish makes); raises :class:`ArticleError`."""
    article = prepared.article
    if not (article.pic_crop_235_1 or article.pic_crop_1_1) or article.post_type == "images":
        return
    size = _cover_size(prepared)
    if size is not None:
        rules.check_cover(article, *size)


def _cover_size(prepared: Prepared) -> tuple[int, int] | None:
    """The cover's (width, height) in pixels once prepared for upload, as publish makes it."""
    # Only now: Pillow (and the formula stack behind mdwx.assets.imaging) is start-up every
    # offline command would pay though most posts set no crops (issue 19).
    from mdwx.assets.imaging import cover_target, prepare_image
    from mdwx.publish.resolve import located

    config, article = prepared.post.config, prepared.article
    if prepared.cover is None:  # the made cover: its size is fixed
        from PIL import Image

        from mdwx.assets.cover import SIZE

        buffer = io.BytesIO()
        Image.new("RGB", SIZE).save(buffer, "PNG")
        data, source, line = buffer.getvalue(), "(generated cover)", None
    else:
        source, base, line = prepared.cover
        if is_remote(source):
            return None  # known when fetched: checked by publish then
        data = located(
            lambda: read_source(source, post_path=base, site_root=config.root), article.path, line
        )
    ready = located(
        lambda: prepare_image(
            data, cover_target(config.images), source=source, allow_animation=False
        ),
        article.path,
        line,
    )
    return ready.width, ready.height
