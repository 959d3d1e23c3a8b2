"""Line-stable rewriting of Markdown outside code: the engine every generator's pre-processor uses.

A rewrite never changes how many lines the body has, so an error found later still names the
line the writer sees in the file. Text inside fenced code blocks and inline code spans is
never touched: a post *about* Hugo shortcodes or Liquid tags shows them as written.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from mdwx.diagnostics import Diagnostic
from mdwx.markdown.syntax import fenced_code

# A fence may sit inside block quotes and list items: any run of spaces, tabs and '>' before it.
_FENCE = re.compile(r"^(?P<lead>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")


@dataclass
class Rewrite:
    """What a pre-processor made of a body: the new text and its warnings."""

    text: str
    warnings: list[Diagnostic] = field(default_factory=list)


def fence_opener(line: str) -> tuple[str, str] | None:
    """``(fence, info)`` when ``line`` opens a fenced code block (CommonMark §4.5), else None."""
    match = _FENCE.match(line)
    if not match:
        return None
    fence, info = match.group("fence"), match.group("info")
    if fence[0] == "`" and "`" in info:
        return None
    return fence, info


def closes(line: str, fence: str) -> bool:
    match = _FENCE.match(line)
    return bool(
        match
        and match.group("fence")[0] == fence[0]
        and len(match.group("fence")) >= len(fence)
        and not match.group("info").strip()
    )


def blocks(lines: list[str]) -> list[tuple[bool, int, int]]:
    """Split ``lines`` into ``(is_code, start, end)`` runs, code being the fenced code blocks
    CommonMark finds (:func:`mdwx.markdown.syntax.fenced_code`, the renderer's own reading)."""
    runs: list[tuple[bool, int, int]] = []
    start = 0
    for first, end in fenced_code("\n".join(lines)):
        if first > start:
            runs.append((False, start, first))
        runs.append((True, first, end))
        start = end
    if start < len(lines):
        runs.append((False, start, len(lines)))
    return runs


def keep_lines(old: str, new: str) -> str:
    """``new`` with exactly as many line breaks as ``old``: padded with blank lines, or with
    its own extra breaks folded into spaces."""
    want, have = old.count("\n"), new.count("\n")
    if have > want:
        head, *rest = new.split("\n")
        keep = rest[len(rest) - want :] if want else []
        folded = " ".join([head, *rest[: len(rest) - want]])
        return "\n".join([folded, *keep])
    return new + "\n" * (want - have)


Replacer = Callable[[re.Match[str], int], str]


def each_prose(text: str, change: Callable[[str, int], str]) -> str:
    """``change(chunk, first_line)`` applied to each run of lines outside fenced code.

    The fences are found once, before any change: a rewrite that happens to leave a line
    looking like a fence cannot expose the code after it to later rewrites.
    """
    lines = text.split("\n")
    out: list[str] = []
    for is_code, start, end in blocks(lines):
        chunk = "\n".join(lines[start:end])
        if not is_code:
            changed = change(chunk, start + 1)
            chunk = keep_lines(chunk, changed)
        out.append(chunk)
    return "\n".join(out)


def sub_prose(pattern: re.Pattern[str], replace: Replacer, chunk: str, first_line: int = 1) -> str:
    """Apply ``replace(match, line)`` to every match of ``pattern`` in ``chunk`` (text with no
    fenced code) outside inline code spans; ``line`` is the match's 1-based line counted from
    ``first_line``. Each replacement keeps the line count of what it replaces.

    A match inside a code span, or cut by one, is no construct: the search resumes past that
    span. Linear in the text for any input (spans and lines are counted once, in order).
    """
    spans = code_spans(chunk) if "`" in chunk else []
    starts = [s for s, _ in spans]
    out: list[str] = []
    position = done = 0
    line, counted = first_line, 0
    while position <= len(chunk):
        match = pattern.search(chunk, position)
        if match is None:
            break
        start, end = match.span()
        cut = _cut_span(start, end, spans, starts)
        if cut is not None:
            position = max(start + 1, cut)
            continue
        line += chunk.count("\n", counted, start)
        counted = start
        out.append(chunk[done:start])
        out.append(keep_lines(match.group(0), replace(match, line)))
        done = end
        position = end if end > start else end + 1
    out.append(chunk[done:])
    return "".join(out)


def code_spans(chunk: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each inline code span (CommonMark §6.1): a backtick run closed by the
    next run of the same length in the same paragraph. One pass over the runs."""
    breaks = [m.start() for m in _BLANK_LINE.finditer(chunk)]
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(chunk)]
    following: list[int | None] = [None] * len(runs)
    latest: dict[tuple[int, int], int] = {}
    for index in range(len(runs) - 1, -1, -1):
        key = (bisect_right(breaks, runs[index][0]), runs[index][1] - runs[index][0])
        following[index] = latest.get(key)
        latest[key] = index
    spans = []
    index = 0
    while index < len(runs):
        close = following[index]
        if close is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[close][1]))
        index = close + 1
    return spans


def _cut_span(start: int, end: int, spans: list[tuple[int, int]], starts: list[int]) -> int | None:
    """The end of a code span that ``start..end`` lies in or cuts, else None. A construct
    enclosing whole spans is the writer's (a comment around code); one cut by a span is not."""
    first = max(bisect_right(starts, start) - 1, 0)
    for index in range(first, min(bisect_right(starts, end), len(spans))):
        s, e = spans[index]
        if s < end and e > start and not (start <= s and e <= end):
            return e
        if s >= end:
            break
    return None


def on_lines(chunk: str, change: Callable[[list[str]], None]) -> str:
    """Let ``change(lines)`` edit the lines of ``chunk`` in place, line for line."""
    lines = chunk.split("\n")
    change(lines)
    return "\n".join(lines)


def fence_for(content: list[str]) -> str:
    """A backtick fence longer than any backtick run in ``content``, at least three."""
    longest = max((len(run) for line in content for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def block_tags(
    text: str,
    opener: re.Pattern[str],
    closer: re.Pattern[str],
    rewrite: Callable[[re.Match[str], list[str]], tuple[str, str] | None],
) -> str:
    """Turn ``opener`` … ``closer`` line pairs (``{% highlight py %}`` … ``{% endhighlight %}``)
    into a fenced block or other pair of lines, line for line.

    ``rewrite(open_match, inner_lines)`` returns the replacement ``(first, last)`` lines, or
    None to leave the pair alone. The lines between are kept as they are.
    """
    lines = text.split("\n")
    next_closer = next_lines(lines, closer.match)
    in_code = [False] * len(lines)
    next_fence: list[int | None] = [None] * len(lines)
    for is_code, first, last in blocks(
        lines
    ):  # found once: a pair rewritten below holds its own fence
        if is_code:
            in_code[first:last] = [True] * (last - first)
            for before in range(first - 1, -1, -1):
                if next_fence[before] is not None:
                    break
                next_fence[before] = first
    index = 0
    while index < len(lines):
        if in_code[index]:
            index += 1
            continue
        match = opener.match(lines[index])
        end = next_closer[index] if match else None
        fence_at = next_fence[index]
        if end is not None and fence_at is not None and fence_at < end:
            end = None  # the search stops at a fence
        if match and end is not None:
            pair = rewrite(match, lines[index + 1 : end])
            if pair is not None:
                lines[index], lines[end] = pair
                index = end
        index += 1
    return "\n".join(lines)


def next_lines(lines: list[str], test: Callable[[str], object]) -> list[int | None]:
    """For each line index, the index of the first later line passing ``test`` (or None):
    one pass from the end, so pairing openers with closers stays linear in the text."""
    found: list[int | None] = [None] * len(lines)
    upcoming: int | None = None
    for index in range(len(lines) - 1, -1, -1):
        found[index] = upcoming
        if test(lines[index]):
            upcoming = index
    return found


def regions(
    chunk: str, kinds: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]
) -> list[tuple[str, int, int, int, int]]:
    """Opener … closer regions (``{% raw %}`` … ``{% endraw %}``), found in one pass:
    ``(kind, start, inner_start, inner_end, end)``, in order, never nested. An opener with no
    closer after it opens nothing."""
    marks = sorted(
        (m.start(), m.end(), kind, is_open)
        for kind, pair in kinds.items()
        for is_open, pattern in ((True, pair[0]), (False, pair[1]))
        for m in pattern.finditer(chunk)
    )
    found: list[tuple[str, int, int, int, int]] = []
    current: tuple[str, int, int] | None = None
    for start, end, kind, is_open in marks:
        if current is None and is_open and (not found or start >= found[-1][4]):
            current = (kind, start, end)
        elif current is not None and not is_open and kind == current[0] and start >= current[2]:
            found.append((kind, current[1], current[2], start, end))
            current = None
    return found


# CommonMark §4.6 HTML blocks: the kinds a rewrite must know, because Markdown written inside
# one is never parsed (a shortcode made into ``![](…)`` there would show as that text).
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|"
    "div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|"
    "iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|"
    "table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_HTML_RAW = re.compile(r"^ {0,3}<(?P<name>pre|script|style|textarea)(?:\s|>|$)", re.I)
_HTML_BLOCK = re.compile(r"^ {0,3}</?(?:" + _BLOCK_NAMES + r")(?:\s|/?>|$)", re.I)
_HTML_TAG_LINE = re.compile(
    r"""^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*"""
    r"""\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"""
)


def html_block_lines(chunk: str) -> set[int]:
    """0-based indexes of the lines of ``chunk`` (text with no fenced code) inside raw HTML
    blocks: those opened by a block-level tag (``<div>``, ``<p>``, ``<table>`` …) or by a line
    holding only a tag after a blank line, up to the next blank line, and ``<pre>``/``<script>``
    /``<style>``/``<textarea>`` up to their closing tag. One pass."""
    inside: set[int] = set()
    lines = chunk.split("\n")
    index, previous_blank = 0, True
    while index < len(lines):
        line = lines[index]
        raw = _HTML_RAW.match(line)
        if raw:
            closer = re.compile(r"</" + raw.group("name") + r"\s*>", re.I)
            end = next(
                (i for i in range(index, len(lines)) if closer.search(lines[i])), len(lines) - 1
            )
            inside.update(range(index, end + 1))
            index, previous_blank = end + 1, False
            continue
        if _HTML_BLOCK.match(line) or (previous_blank and _HTML_TAG_LINE.match(line)):
            end = index
            while end < len(lines) and lines[end].strip():
                inside.add(end)
                end += 1
            index, previous_blank = end, False
            continue
        previous_blank = not line.strip()
        index += 1
    return inside


def outside_code(text: str, change: Callable[[list[str]], None]) -> str:
    """Let ``change(lines)`` edit ``text``'s lines in place, line for line, where lines of fenced
    code can be indented (a paired tag around code becomes an admonition holding it) but never
    match anything: ``change`` sees each of them behind a mark no pattern matches."""
    lines = text.split("\n")
    code = {i for is_code, start, end in blocks(lines) if is_code for i in range(start, end)}
    masked = [f"\0{line}" if i in code else line for i, line in enumerate(lines)]
    change(masked)
    for i in code:
        changed, original = masked[i], f"\0{lines[i]}"
        # Only a prefix (indentation) may have been added; anything else keeps the code as it was.
        masked[i] = (
            changed[: -len(original)] + lines[i]
            if changed.endswith(original)
            else ("" if not lines[i].strip() else lines[i])
        )
    return "\n".join(masked)
