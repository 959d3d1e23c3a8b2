"""Diagnostics: every problem mdwx finds in a post, as data.

A :class:`Diagnostic` is one finding — an error that stops the post or a warning that does
not — with where it is (``path``, 1-based ``line`` and ``column`` where known), a stable
``code`` naming its kind, a ``severity``, the ``message`` and an optional ``hint``. The
human output, ``--json``, ``--format github`` and the plugins' logs are all printed from this
one structure; nothing parses a message back.

Codes are short kebab-case words (``relative-link``, ``unknown-key``, ``no-cover``…). They are
stable: users silence a kind by its code (``[warnings] ignore = ["relative-link"]``), so a
code, once published, is never renamed. :data:`CODES` lists each with one line saying what
it means; a code not listed there is a programming error caught by the tests.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from mdwx.errors import Diagnostic, MdwxError, Severity

__all__ = [
    "CODES",
    "Diagnostic",
    "Severity",
    "at_path",
    "ignoring",
    "of_error",
    "summaries",
    "unknown_code",
]


#: Every stable diagnostic code, with what it means (one line each). Errors raised as
#: :class:`mdwx.errors.MdwxError` use their class's code (``config``, ``article``, ``render``,
#: ``asset``…) unless they carry a more precise one.
CODES: dict[str, str] = {
    "warning": "a warning without a more precise kind",
    "error": "an error without a more precise kind",
    "config": "the site configuration, the credentials or the call is wrong",
    "article": "the post's front matter or body is invalid",
    "render": "the post could not be turned into WeChat-safe HTML",
    "asset": "a picture, video, formula or card could not be read or made to fit",
    "state": "the state database is unusable",
    "publish": "a publishing rule of the backend or account refuses the post",
    "wechat": "WeChat refused a call",
    "unknown-key": "a front-matter key that neither mdwx nor the site's generator reads",
    "relative-link": "a link to a relative target, which cannot work inside WeChat",
    "in-page-link": "a link to an anchor in the page, which WeChat rejects",
    "low-contrast": "a theme draws some text below WCAG contrast (4.5:1 reading text, 3:1 accents)",
    "unsafe-link": "a link or image whose target would run code or open a local file (javascript:, file:…)",
    "unknown-language": "a fence's info string names a language without a highlighter",
    "unclosed-hidden": "a never-shown tag (script, style…) or a tag name in prose (<T>) is not "
    "closed, so it shows as text",
    "empty-target": "an image or link with an empty target",
    "deep-nesting": "content nested deeper than the renderer or WeChat keeps",
    "shortcode-removed": "a generator's shortcode or template tag WeChat cannot show",
    "embed-as-name": "an embed of a file WeChat cannot show, shown as its name",
    "digest-length": "the digest is longer than WeChat keeps",
    "long-text": "the visible text is longer than WeChat's editor advises",
    "no-cover": "no cover image: publish makes one from the title",
    "not-routed": "a post for other accounts than the one the call names: skipped, as publish skips it",
    "adopted-article": "the post's article, made by another copy of the site, was found by its mark and taken over",
    "submitted-changed": "a post changed after its article was submitted: kept as submitted (on_submitted_change)",
    "image-not-understood": "an image whose path has spaces and no picture extension stays text",
    "formula-cjk-font": "CJK text in a formula with no CJK font installed to draw it: boxes instead",
    "formula-not-drawn": "a formula the typesetter cannot draw, shown as its TeX in code",
    "diagram-not-drawn": "a diagram (```mermaid) not drawn (bad source, renderer not installed, over the time or memory limit): kept as code",
    "diagram-label-lost": "a mermaid label character mermaid cannot draw in that kind of diagram (; in a state, # in a journey)",
    "empty-post": "a generator site's page with no body (a stub): skipped, nothing to publish",
    "slug-collision": "posts sharing a slug: build writes each to its own folder",
    "not-published": "a post its generator would not publish (future date, expired, excluded): skipped",
    "obsidian-vault": "a folder without .obsidian/ read as an Obsidian vault: a note in it uses Obsidian syntax",
    "picture-adjusted": "a picture was changed to fit what WeChat accepts (a GIF's first frame, its size)",
    "interrupted-upload": "a previous run stopped while uploading the article: WeChat may hold a copy",
    "submissions-left": "few of the day's submissions are left",
    "token": "WeChat refused the credentials or the access token",
    "quota": "a WeChat quota for the day is used up",
    "ip_whitelist": "the calling IP address is not on the account's allow list",
    "video_pending": "an uploaded video is still being transcoded by WeChat",
    "already_submitted": "WeChat refused a change: the article was already submitted",
    "content_rejected": "WeChat refused what was sent (a field too long, a bad link, a media_id)",
    "permission": "the account lacks the permission a call needs",
    "publish_refused": "WeChat's pre-publish check refused the draft",
    "publish_failed": "publishing failed after it was submitted",
    "video": "a video endpoint refused the upload",
    "transport": "the network failed; nothing says WeChat got the request",
    "outcome_unknown": "a call's outcome is unknown: the next run settles it",
    "no_msg_data_id": "no msg_data_id is recorded for the post: its comments cannot be addressed",
    "relay": "an mdwx relay refused the call (its key, permission or endpoint); "
    "nothing reached WeChat",
    "mass_refused": "WeChat refused a 群发 or a phone preview (no quota, not a follower, an unknown tag)",
    "reach": "mdwx refused a preview or a 群发 before sending it (no draft in the box, previews used up)",
    "bundle": "a 多图文 bundle WeChat cannot take as one message (over 8, mixed post types, media backend, "
    "split across accounts, a refused post): nothing sent",
    "bundle-digest-dropped": "a post's digest is dropped: it is one of 2+ articles in a bundle, and WeChat keeps "
    "digests only for one-article drafts",
    "bundle-old-draft": "a bundle's replaced draft could not be deleted: it stays in the draft box",
    "side-draft-old": "a replaced side draft (made to preview or send a published post) could not be "
    "deleted: it stays in the draft box",
    "media-removed": "a raw HTML <video>, <audio>, <iframe>, <object> or <embed> WeChat does not "
    "show: removed with its content",
    "lookup-skipped": "a call the account may not make (48001) was skipped while only drafting: "
    "the run says what it could not look up",
}
#: Advice that is the same for every post it concerns: a run says it once, with the number
#: of posts (``summary``), instead of once per post. ``--json`` still lists it per post.
SUMMARISED: dict[str, str] = {
    "no-cover": "{count:,} posts have no cover image: publish will make them from their titles "
    "(set 'cover:' or default_cover in mdwx.toml to choose one)",
    "not-published": "{count:,} posts skipped: their generator would not publish them "
    "(a future date, an expiry date passed, excluded by the site's config; --json lists them)",
    "obsidian-vault": "{count:,} notes read as an Obsidian vault's: a note of their folder uses "
    "Obsidian's syntax (set generator in mdwx.toml to choose otherwise)",
}


def of_error(error: MdwxError) -> list[Diagnostic]:
    """Every diagnostic an error carries: itself, the further errors gathered with it
    (:meth:`MdwxError.gather`) and the warnings found beside them."""
    return [*(Diagnostic.from_error(e) for e in error.errors), *error.warnings]


def ignoring(diagnostics: Iterable[Diagnostic], ignore: Iterable[str]) -> list[Diagnostic]:
    """``diagnostics`` without the warnings whose code is in ``ignore`` (errors are never silenced)."""
    silenced = frozenset(ignore)
    return [d for d in diagnostics if d.is_error or d.code not in silenced]


def unknown_code(code: str) -> str | None:
    """Why ``code`` is no diagnostic code (with the closest one), or None when it is one."""
    if code in CODES:
        return None
    close = difflib.get_close_matches(code, list(CODES), n=1, cutoff=0.6)
    return f"unknown warning code {code!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def summaries(
    per_post: Sequence[Sequence[Diagnostic]],
) -> tuple[list[list[Diagnostic]], list[Diagnostic]]:
    """Split a run's diagnostics into what each post says and the run's one-line summaries.

    A :data:`SUMMARISED` code found in more than one post leaves every post and becomes one
    diagnostic of the run (no path) saying how many posts it concerns; in one post it stays.
    """
    counts = Counter(
        code for found in per_post for code in {d.code for d in found if not d.is_error}
    )
    summed = {code for code, count in counts.items() if code in SUMMARISED and count > 1}
    kept = [[d for d in found if d.is_error or d.code not in summed] for found in per_post]
    run = [
        Diagnostic(SUMMARISED[code].format(count=counts[code]), code=code)
        for code in sorted(summed)
    ]
    return kept, run


def at_path(diagnostics: Iterable[Diagnostic], path: str) -> list[Diagnostic]:
    """``diagnostics`` with ``path`` filled in where they name no file."""
    return [d if d.path else replace(d, path=path) for d in diagnostics]
