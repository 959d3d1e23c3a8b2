"""What every backend is (:class:`Backend`) and the one error they share (:class:`Gone`);
the two implementations import this module, the package's front door imports them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from mdwx.errors import PublishError
from mdwx.render import check_content

if TYPE_CHECKING:
    from mdwx.prepare import Prepared
    from mdwx.publish.marker import Mark, Marked
    from mdwx.publish.plan import ArticleStep
    from mdwx.publish.resolve import Resolved
    from mdwx.publish.review import Progress
    from mdwx.publish.state.store import ArticleRecord
    from mdwx.source.model import Article


def checked_content(prepared: Prepared, resolved: Resolved) -> str:
    """The article's final ``content`` with every asset's WeChat value, checked against the
    site's limits once more (the real URLs are in now); raises :class:`PublishError`."""
    content = prepared.content(resolved.values)
    problems = check_content(content, prepared.post.config.limits)
    if problems:
        raise PublishError("; ".join(problems), path=prepared.article.path)
    return content


class Gone(Exception):
    """The unsubmitted article cannot be changed any more: it was submitted (or, in the
    draft box, deleted) outside mdwx. ``submitted``: whether WeChat said it was submitted."""

    def __init__(self, submitted: bool = True) -> None:
        super().__init__("the article left the unsubmitted state")
        self.submitted = submitted


class Rules(Protocol):
    """A backend's offline rules: what its API refuses that is known before anything is sent.

    ``check`` and ``check_cover`` are all that ``check``, ``build`` and
    ``publish --dry-run`` need of a backend (:func:`mdwx.publish.rules.apply_rules`); they
    never touch a client.
    """

    name: str  # "media" or "draft": the state keeps each backend's articles apart
    takes_crops: bool  # whether the API takes cover crops (pic_crop_*), checked by check_cover
    #: Submissions WeChat allows per day (Beijing time), or None for no documented cap:
    #: the run's plan counts its submits against it before sending (:mod:`mdwx.api.sendplan`).
    daily_submit_limit: int | None

    def check(self, prepared: Prepared) -> None:
        """Raise :class:`mdwx.errors.MdwxError` (file and line) for anything this API refuses
        that can be known offline: field limits, a post type it cannot publish."""

    def check_cover(self, article: Article, width: int, height: int) -> None:
        """Raise :class:`mdwx.errors.MdwxError` when what the post asks of its cover (crops)
        does not fit a cover of ``width`` × ``height`` pixels (as sent)."""


class Backend(Rules, Protocol):
    """One WeChat publishing API: its :class:`Rules` and its calls. ``client`` is a
    :class:`mdwx.wechat.WeChatClient`."""

    #: Human lines for the plan's article steps ("update", "uploadnews", "settle").
    texts: dict[ArticleStep, str]
    library: str  # where an unsubmitted article sits, in words

    def payload(self, prepared: Prepared, resolved: Resolved) -> dict[str, object]:
        """The article JSON this API takes, from the post and its resolved assets."""

    async def create(self, payload: dict[str, object], *, mark: Mark | None = None) -> str:
        """Create the unsubmitted article (carrying ``mark`` where the API can list it); its
        ``media_id``. Raises ``OutcomeUnknown`` when the answer was lost (it may exist)."""

    async def update(
        self, media_id: str, payload: dict[str, object], *, mark: Mark | None = None
    ) -> None:
        """Replace the unsubmitted article; raises :class:`Gone` when it was submitted."""

    async def find_marked(self, mark: Mark) -> Marked | None:
        """The account's article carrying ``mark``'s key (made by another door with a state of
        its own), else None; None always where the API cannot list articles."""

    async def submit(self, media_id: str) -> str:
        """Submit it; what to follow it by (the draft API's ``publish_id``, else "")."""

    async def progress(self, record: ArticleRecord) -> Progress:
        """Where the recorded article stands now (one question, or two for the URL)."""

    async def settle(self, record: ArticleRecord) -> Progress:
        """A submit whose answer was lost: did WeChat take it? "draft" when it did not."""

    async def delete(
        self,
        media_id: str,
        *,
        status: str,
        article_id: str = "",
        publish_id: str = "",
        index: int = 0,
    ) -> None:
        """Delete the article (``index`` from 1; 0: every article of the item)."""
