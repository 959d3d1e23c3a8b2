"""One account's records: the state with the AppID given once (:class:`AccountState`).

Most of :class:`~mdwx.publish.state.store.State`'s methods take the account's AppID first,
because one database keeps every account's records apart by it. Code that acts for one
account (a publisher, a send, a delete) holds an :class:`AccountState` instead of passing the
AppID to every call, so it cannot mix two accounts' records. Each method of the view is the
State's method with the AppID bound, typed from it (``Concatenate``): mypy checks every call
as it checks the State's. ``tests/test_account_state.py`` checks that the view has every
State method taking the AppID first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from mdwx.publish.state.store import State

P = ParamSpec("P")
R = TypeVar("R")


def _for_account(
    method: Callable[Concatenate[State, str, P], R],
) -> Callable[Concatenate[AccountState, P], R]:
    """``method`` of the view: the State's, called with the view's state and AppID."""

    def bound(view: AccountState, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return method(view.state, view.appid, *args, **kwargs)

    bound.__name__ = bound.__qualname__ = method.__name__
    bound.__doc__ = method.__doc__
    return bound


class AccountState:
    """The records of the account ``appid`` in ``state`` (the same open database).

    ``state`` keeps its backend view (:meth:`State.for_backend`); :meth:`for_backend` gives
    this account's records of another backend.
    """

    def __init__(self, state: State, appid: str) -> None:
        self.state = state
        self.appid = appid

    def for_backend(self, backend: str) -> AccountState:
        """The same account's records whose articles are ``backend``'s."""
        return AccountState(self.state.for_backend(backend), self.appid)

    article = _for_account(State.article)
    article_any_backend = _for_account(State.article_any_backend)
    articles = _for_account(State.articles)
    begin_mass_send = _for_account(State.begin_mass_send)
    begin_side_draft = _for_account(State.begin_side_draft)
    begin_submit = _for_account(State.begin_submit)
    begin_update = _for_account(State.begin_update)
    begin_upload = _for_account(State.begin_upload)
    bundle_members = _for_account(State.bundle_members)
    confirm_block = _for_account(State.confirm_block)
    count_previews_today = _for_account(State.count_previews_today)
    count_submissions_today = _for_account(State.count_submissions_today)
    drop_superseded = _for_account(State.drop_superseded)
    finish_video = _for_account(State.finish_video)
    forget_article = _for_account(State.forget_article)
    forget_mass_send = _for_account(State.forget_mass_send)
    forget_side_draft = _for_account(State.forget_side_draft)
    forget_upload = _for_account(State.forget_upload)
    identity_matches = _for_account(State.identity_matches)
    known_articles = _for_account(State.known_articles)
    lookup_upload = _for_account(State.lookup_upload)
    mark_deleted = _for_account(State.mark_deleted)
    mark_superseded_deleted = _for_account(State.mark_superseded_deleted)
    mass_send = _for_account(State.mass_send)
    mass_sends = _for_account(State.mass_sends)
    messages = _for_account(State.messages)
    old_side_draft_deleted = _for_account(State.old_side_draft_deleted)
    permanent_uploads = _for_account(State.permanent_uploads)
    place_in_bundle = _for_account(State.place_in_bundle)
    record_mass_sent = _for_account(State.record_mass_sent)
    record_mass_status = _for_account(State.record_mass_status)
    record_side_draft = _for_account(State.record_side_draft)
    record_status = _for_account(State.record_status)
    record_submission = _for_account(State.record_submission)
    record_submitted = _for_account(State.record_submitted)
    record_upload = _for_account(State.record_upload)
    record_uploaded = _for_account(State.record_uploaded)
    release_preview = _for_account(State.release_preview)
    release_submission = _for_account(State.release_submission)
    rename_article = _for_account(State.rename_article)
    reserve_preview = _for_account(State.reserve_preview)
    reserve_submission = _for_account(State.reserve_submission)
    reset_video = _for_account(State.reset_video)
    restore_article = _for_account(State.restore_article)
    restore_side_draft = _for_account(State.restore_side_draft)
    sent_articles = _for_account(State.sent_articles)
    set_article_msg_data_id = _for_account(State.set_article_msg_data_id)
    set_identity = _for_account(State.set_identity)
    set_video_media_id = _for_account(State.set_video_media_id)
    set_video_status = _for_account(State.set_video_status)
    side_draft = _for_account(State.side_draft)
    side_draft_sent = _for_account(State.side_draft_sent)
    side_drafts = _for_account(State.side_drafts)
    start_video = _for_account(State.start_video)
    supersede = _for_account(State.supersede)
    superseded = _for_account(State.superseded)
    video = _for_account(State.video)
