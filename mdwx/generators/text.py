"""Line-stable rewriting of Markdown outside code: the engine every generator's pre-processor uses.

A rewrite never changes how many lines the body has, so an error found later still names the
line the writer sees in the file. Text inside fenced code blocks and inline code spans is
never touched: a post *about* Hugo shortcodes or Liquid tags shows them as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

# A fence may sit inside block quotes and list items: any run of spaces, tabs and '>' before it.
_FENCE = re.compile(r"^(?P<lead>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# An inline code span: a backtick run, then the first run of exactly the same length.
CODE_SPAN = r"(?<!`)(?P<ticks>`+)(?!`)[\s\S]*?(?<!`)(?P=ticks)(?!`)"
_CODE_SPAN = re.compile(CODE_SPAN)


@dataclass
class Rewrite:
    """What a pre-processor made of a body: the new text and ``file:line`` warnings."""

    text: str
    warnings: list[str] = field(default_factory=list)


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
    return bool(match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence)
                and not match.group("info").strip())


def blocks(lines: list[str]) -> list[tuple[bool, int, int]]:
    """Split ``lines`` into ``(is_code, start, end)`` runs; an unclosed fence runs to the end."""
    runs: list[tuple[bool, int, int]] = []
    start, index, count = 0, 0, len(lines)
    while index < count:
        opener = fence_opener(lines[index])
        if opener is None:
            index += 1
            continue
        if index > start:
            runs.append((False, start, index))
        end = index + 1
        while end < count and not closes(lines[end], opener[0]):
            end += 1
        end = min(end + 1, count)
        runs.append((True, index, end))
        start = index = end
    if start < count:
        runs.append((False, start, count))
    return runs


def keep_lines(old: str, new: str) -> str:
    """``new`` with exactly as many line breaks as ``old``: padded with blank lines, or with
    its own extra breaks folded into spaces."""
    want, have = old.count("\n"), new.count("\n")
    if have > want:
        head, *rest = new.split("\n")
        keep = rest[len(rest) - want:] if want else []
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


def sub_outside_code(pattern: re.Pattern[str], replace: Replacer, text: str) -> str:
    """Apply ``replace(match, line)`` to every match of ``pattern`` outside fences and code spans."""
    return each_prose(text, lambda chunk, first: sub_prose(pattern, replace, chunk, first))


def sub_prose(pattern: re.Pattern[str], replace: Replacer, chunk: str, first_line: int = 1) -> str:
    """Apply ``replace(match, line)`` to every match of ``pattern`` in ``chunk`` (text with no
    fenced code) outside inline code spans; ``line`` is the match's 1-based line counted from
    ``first_line``. Each replacement keeps the line count of what it replaces."""
    combined = _combined(pattern)
    spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(chunk)] if "`" in chunk else []

    def one(match: re.Match[str]) -> str:
        if match.group("__code") is not None or _cuts_a_span(match.start(), match.end(), spans):
            return match.group(0)
        line = first_line + chunk.count("\n", 0, match.start())
        return keep_lines(match.group(0), replace(match, line))

    return combined.sub(one, chunk)


def _cuts_a_span(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``start..end`` begins outside a code span and ends inside it (or the reverse):
    a construct enclosing whole spans is the writer's; one cut by a span is not a construct."""
    return any(s < end and e > start and not (start <= s and e <= end) for s, e in spans)


@lru_cache(maxsize=64)
def _combined(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(f"(?P<__code>{CODE_SPAN})|(?:{pattern.pattern})", pattern.flags)


def on_lines(chunk: str, change: Callable[[list[str]], None]) -> str:
    """Let ``change(lines)`` edit the lines of ``chunk`` in place, line for line."""
    lines = chunk.split("\n")
    change(lines)
    return "\n".join(lines)


def fence_for(content: list[str]) -> str:
    """A backtick fence longer than any backtick run in ``content``, at least three."""
    longest = max((len(run) for line in content for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def block_tags(text: str, opener: re.Pattern[str], closer: re.Pattern[str],
               rewrite: Callable[[re.Match[str], list[str]], tuple[str, str] | None]) -> str:
    """Turn ``opener`` … ``closer`` line pairs (``{% highlight py %}`` … ``{% endhighlight %}``)
    into a fenced block or other pair of lines, line for line.

    ``rewrite(open_match, inner_lines)`` returns the replacement ``(first, last)`` lines, or
    None to leave the pair alone. The lines between are kept as they are.
    """
    lines = text.split("\n")
    index = 0
    fence: str | None = None
    while index < len(lines):
        line = lines[index]
        if fence:
            fence = None if closes(line, fence) else fence
            index += 1
            continue
        found = fence_opener(line)
        if found:
            fence = found[0]
            index += 1
            continue
        match = opener.match(line)
        end = _closer(lines, index, closer) if match else None
        if match and end is not None:
            pair = rewrite(match, lines[index + 1:end])
            if pair is not None:
                lines[index], lines[end] = pair
                index = end
        index += 1
    return "\n".join(lines)


def _closer(lines: list[str], index: int, closer: re.Pattern[str]) -> int | None:
    """The line closing the block tag opened at ``index``; the search stops at a fence."""
    for j in range(index + 1, len(lines)):
        if closer.match(lines[j]):
            return j
        if fence_opener(lines[j]):
            return None
    return None
