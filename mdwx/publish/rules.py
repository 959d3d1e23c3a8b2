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
from mdwx.assets.verify import remote_picture_errors
from mdwx.errors import ConfigError, MdwxError, raise_all
from mdwx.publish.backends import make_rules
from mdwx.urls import is_remote

if TYPE_CHECKING:
    from mdwx.prepare import Prepared
    from mdwx.publish.backends import Rules


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
