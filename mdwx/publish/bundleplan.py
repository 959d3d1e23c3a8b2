"""What publishing one 多图文 bundle does: decided once, then printed (``--dry-run``) or done.

A bundle is one draft of several articles. WeChat's ``draft/update`` replaces the article at
an index but cannot insert, delete or move one, so (docs/reach.md, "多图文"):

- the same posts in the same order as the recorded draft: each changed post's article is
  updated at its index (:data:`UPDATE`), the others are left alone;
- a post added, removed or moved, or the order changed: a new draft with every article is
  made and the old draft deleted (:data:`REMAKE`), so the box never holds two copies;
- no recorded draft: a new one (:data:`UPLOAD`);
- a bundle already submitted (or sent): changed, it follows ``on_submitted_change`` as a
  single post does (kept with a warning, refused, or made anew with ``--force``).

The state (each post's media_id and index) is rewritten to match after each step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from mdwx.diagnostics import Diagnostic
from mdwx.errors import PublishError
from mdwx.publish.plan import KEEP, SETTLE, UNCHANGED, UPDATE, UPLOAD, ArticleStep
from mdwx.publish.state.store import ArticleRecord

REMAKE: Final = "remake"
#: What is done to a bundle's draft: an article step, or a new draft replacing the old one.
BundleAction = ArticleStep | Literal["remake"]
IN_BOX = ("uploading", "updating", "draft")
SENT = ("submitted", "published", "rejected", "deleted")


@dataclass
class BundlePlan:
    """The bundle's one decision. ``updates``: indexes whose article ``draft/update`` replaces;
    ``leaving``: recorded posts no longer in the bundle; ``old_media_id``: the draft a
    :data:`REMAKE` deletes."""

    action: BundleAction = UPLOAD
    updates: list[int] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)
    old_media_id: str | None = None
    absorbed: list[str] = field(default_factory=list)  # drafts of posts that were alone, now joined
    media_id: str | None = None
    submit: bool = False
    error: PublishError | None = None
    warning: Diagnostic | None = None

    def article_steps(self, index: int) -> list[str]:
        """The steps of the bundle's article ``index``: the same words in a dry run and a run."""
        if self.error:
            return ["refuse"]
        if self.action in (UPLOAD, REMAKE):
            return [f"{self.action} bundle article {index}"]
        if self.action == UPDATE and index in self.updates:
            return [f"update bundle article {index}"]
        return [KEEP if self.action == KEEP else UNCHANGED]

    def bundle_steps(self) -> list[str]:
        """Steps of the bundle as a whole (put on its 头条's result)."""
        steps = []
        if self.old_media_id and not self.error:
            steps.append(f"delete old draft {self.old_media_id}")
        if self.action in (UPLOAD, REMAKE) and not self.error:
            steps += [f"delete joined post's draft {media_id}" for media_id in self.absorbed]
        if self.action in (UPLOAD, REMAKE) and not self.error:
            steps += [f"leave {rel}" for rel in self.leaving]
        if self.submit and not self.error:
            steps.append("submit")
        return steps


def same_layout(live: Sequence[ArticleRecord], wanted: Sequence[str]) -> bool:
    """Whether the recorded draft holds exactly ``wanted`` (posts' paths) at indexes 0, 1, …"""
    return (
        len({r.media_id for r in live}) == 1
        and [r.source_path for r in live] == list(wanted)
        and [r.bundle_index for r in live] == list(range(len(live)))
    )


def plan_bundle(
    recorded: Sequence[ArticleRecord],
    wanted: Sequence[tuple[str, str | None]],
    *,
    draft: bool,
    force: bool,
    on_change: str,
    name: str,
) -> BundlePlan:
    """Decide for bundle ``name``: ``recorded`` its articles in the state (by index);
    ``wanted`` each post's path and payload hash (None: it will differ), in message order."""
    live = [r for r in recorded if r.media_id]
    paths = [rel for rel, _ in wanted]
    plan = BundlePlan(submit=not draft)
    if not live:
        return plan
    plan.media_id = live[0].media_id
    statuses = {r.status for r in live}
    plan.leaving = [r.source_path for r in live if r.source_path not in paths]
    if "submitting" in statuses:
        plan.action, plan.submit = SETTLE, False
        return plan
    layout = same_layout(live, paths)
    if statuses <= set(IN_BOX):
        if not layout:
            plan.action, plan.old_media_id = REMAKE, live[0].media_id
            return plan
        plan.updates = [
            i
            for i, ((_, digest), r) in enumerate(zip(wanted, live, strict=True))
            if digest is None or digest != r.content_hash or r.status != "draft"
        ]
        plan.action = UPDATE if plan.updates else UNCHANGED
        return plan
    unchanged = layout and all(
        d is not None and d == r.content_hash for (_, d), r in zip(wanted, live, strict=True)
    )
    if unchanged:
        plan.action, plan.submit = UNCHANGED, False
        return plan
    if "deleted" in statuses or force or on_change == "republish":
        plan.media_id = None  # the sent message stays as it is; a new draft
        return plan
    status = sorted(statuses & set(SENT))[0] if statuses & set(SENT) else "submitted"
    plan.submit = False
    if on_change == "warn":
        plan.action = KEEP
        plan.warning = Diagnostic(
            f"bundle {name!r} changed after its draft was submitted ({status}): the submitted message is "
            "kept and the change is not published (WeChat cannot change a submitted article)",
            code="submitted-changed",
            hint="publish the bundle again with --force to make it a new message",
        )
        return plan
    plan.action = UPLOAD
    plan.error = PublishError(
        f"bundle {name!r} changed but its draft was already submitted ({status})",
        hint="WeChat cannot change a submitted article; run with --force to publish the "
        "bundle as a new message, or set on_submitted_change in mdwx.toml",
    )
    return plan


def describe_bundle(plan: BundlePlan, name: str, count: int, *, planned: bool) -> list[str]:
    """Human lines for the bundle's plan, "would …" for a dry run."""
    lead = "would " if planned else ""
    if plan.error:
        return []
    lines = {
        UPLOAD: [
            f"{lead}put the {count} articles of bundle {name!r} into the draft box as one draft (draft/add)"
        ],
        REMAKE: [
            f"{lead}make bundle {name!r} anew as one draft of {count} articles (its posts or their order "
            f"changed; draft/update cannot insert or move an article)",
            f"{lead}delete the old draft {plan.old_media_id} (draft/delete)",
        ],
        UPDATE: [
            f"{lead}update article {i} of bundle {name!r}'s draft (draft/update, index {i})"
            for i in plan.updates
        ],
        UNCHANGED: [f"bundle {name!r} unchanged: nothing sent"],
        KEEP: [f"bundle {name!r} kept as submitted: the change is not sent"],
        SETTLE: [f"{lead}ask WeChat whether bundle {name!r}'s previous submit went through"],
    }[plan.action]
    if plan.action in (UPLOAD, REMAKE):
        lines += [
            f"{lead}drop {rel} from the bundle's record (it left the bundle)"
            for rel in plan.leaving
        ]
        lines += [
            f"{lead}delete the draft {media_id} of a post that now joined the bundle (draft/delete)"
            for media_id in plan.absorbed
        ]
    if plan.submit:
        lines.append(f"{lead}submit the bundle for review as one message")
    return lines
