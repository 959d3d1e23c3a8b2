"""The steps after an article exists: submitting it, settling a submit whose answer was lost,
following it to a final status — and the intent/outcome bracket around every creating call.

A mixin of :class:`mdwx.publish.publisher.Publisher`, kept apart so each module reads in one sitting;
what differs between WeChat's APIs is asked of the run's :class:`mdwx.publish.backends.Backend`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from mdwx.errors import PublishError
from mdwx.publish.review import Progress, follow
from mdwx.publish.run_options import FIRST_POLL, RunOptions
from mdwx.publish.state.account_view import AccountState
from mdwx.publish.state.store import ArticleRecord
from mdwx.source.posts import Post
from mdwx.wechat.errors import AlreadySubmitted, OutcomeUnknown, WeChatError

if TYPE_CHECKING:
    from mdwx.publish.backends import Backend
    from mdwx.publish.results import PostResult

SUBMIT_WARN_MARGIN = 10  # warn when this few of the day's submissions are left


class SubmitSteps:
    """Needs the Publisher's ``records`` (its account's, of the backend's view), ``options``
    and ``backend``."""

    records: AccountState
    options: RunOptions
    backend: Backend | None

    @contextlib.asynccontextmanager
    async def _intent(self, rel: str, previous: ArticleRecord | None) -> AsyncIterator[None]:
        """Keep the intent written before a creating call only while its outcome is unknown.

        When WeChat refused the call (a token, quota or content error), nothing was done, so
        the article's record goes back to what it was and the next run starts clean.
        """
        try:
            yield
        except (OutcomeUnknown, AlreadySubmitted):
            raise
        except WeChatError:
            self.records.restore_article(rel, previous)
            if previous is not None and previous.media_id:  # a refused --force: it stays current
                self.records.drop_superseded(previous.media_id)
            raise

    async def _settle_submit(
        self, post: Post, record: ArticleRecord, result: PostResult
    ) -> ArticleRecord | None:
        """A previous submit's outcome is unknown: ask WeChat instead of submitting twice."""
        assert record.media_id and self.backend is not None
        progress = await self.backend.settle(record)
        if progress.status == "draft":
            self.records.record_uploaded(
                post.relative, record.media_id, record.content_hash, record.title
            )
        else:
            self.records.record_submitted(post.relative, progress.publish_id)
            self.records.record_submission()
            if progress.status != "submitted":
                self.records.record_status(
                    post.relative, progress.status, progress.url, progress.article_id
                )
        result.actions.append(
            f"the previous submit's outcome was unknown; WeChat says: {progress.live}"
        )
        return self.records.article(post.relative)

    def _reserve_submit(self, post: Post, result: PostResult) -> bool:
        """Take one of today's submissions before the submit is sent (atomically: concurrent
        posts and processes never share the last one); refuse the post when none is left.
        True when one was reserved (given back if the submit is not taken)."""
        assert self.backend is not None
        limit = self.backend.daily_submit_limit
        if limit is None:
            return False
        used = self.records.reserve_submission(limit)
        if used is None:
            raise PublishError(
                f"held: today's {limit} submissions are used up (deleting does not return "
                "them); nothing was sent to WeChat",
                path=post.path,
                hint="the article is uploaded; run again tomorrow (Beijing time) to submit it",
            )
        if used > limit - SUBMIT_WARN_MARGIN:
            result.warn(f"{used} of {limit} submissions used today", code="submissions-left")
        return True

    async def _submit(self, post: Post, result: PostResult) -> None:
        assert self.backend is not None
        assert result.media_id
        for attempt in range(3):
            reserved = self._reserve_submit(post, result)
            before = self.records.article(post.relative)
            self.records.begin_submit(post.relative)
            publish_id = ""
            try:
                async with self._intent(post.relative, before):
                    publish_id = await self.backend.submit(result.media_id)
            except AlreadySubmitted:
                if reserved:
                    self.records.release_submission()
                result.actions.append("WeChat says it was already submitted")
            except OutcomeUnknown:
                if reserved:  # settling counts it when it was taken
                    self.records.release_submission()
                record = self.records.article(post.relative)
                assert record
                settled = await self._settle_submit(post, record, result)
                if settled and settled.status == "draft" and attempt < 2:
                    continue
                if settled and settled.status != "draft":
                    result.status, result.url = settled.status, settled.url
                    return
                raise
            except BaseException:
                if reserved:  # refused or not sent: the submission is not used
                    self.records.release_submission()
                raise
            else:
                if not reserved:
                    self.records.record_submission()
                result.actions.append("submitted for review")
            kept = getattr(self.backend, "msg_data_ids", {})  # the draft API's, for comments
            self.records.record_submitted(post.relative, publish_id, kept.get(publish_id, ""))
            result.status = "submitted"
            return

    async def _follow(self, post: Post, result: PostResult) -> None:
        """Ask the backend where the submitted article stands until final (or the timeout)."""
        assert result.media_id and self.backend is not None
        backend, record = self.backend, self.records.article(post.relative)
        assert record is not None

        async def poll() -> Progress:
            return await backend.progress(record)

        progress = await follow(
            poll,
            timeout=self.options.wait_timeout,
            interval=self.options.poll_interval or FIRST_POLL,
        )
        if progress.status != "submitted":
            self.records.record_status(
                post.relative, progress.status, progress.url, progress.article_id
            )
        result.status, result.url = progress.status, progress.url
        result.actions.append(_FOLLOWED.get(progress.status, "still under review"))
        if progress.error is not None:  # the status stays; the error makes the run fail
            progress.error.path = str(post.path)
            result.error = progress.error


_FOLLOWED = {
    "published": "review passed: published",
    "rejected": "review failed (审核未通过)",
    "deleted": "deleted after it was published",
}
