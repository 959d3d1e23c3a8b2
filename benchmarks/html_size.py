"""HTML size benchmark: how many characters of ``content`` each visible character costs.

For every post of the input sets, ``read_article`` + ``render_article`` (what ``mdwx build``
writes as the article's ``content``), then

- ``html``: ``len(content)``, code points, as WeChat counts them;
- ``visible``: the text a reader sees — text nodes only (``<br>`` counts as one character),
  entities decoded, every run of collapsible whitespace counted once and whitespace between
  two block tags (``</p>`` ``<p>``) not at all, as a browser lays it out;
- ``ratio``: ``html / visible``.

Printed per set: the median ratio (target ≤ 3.5, issue 7), its range, and the share of the
HTML spent inside ``style`` attributes. Input sets: the real-world corpus
``../shared/bench/corpus`` (beside the repository; skipped with a note when absent), the
sample site's posts and any DIR given. Run from anywhere::

    python benchmarks/html_size.py [DIR...] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mdwx.errors import MdwxError  # noqa: E402
from mdwx.render import render_article  # noqa: E402
from mdwx.source.article import read_article  # noqa: E402
from mdwx.source.site import load_config  # noqa: E402

REAL_CORPUS = REPO.parent / "shared" / "bench" / "corpus"
SAMPLE_POSTS = REPO / "sample-site" / "posts"
RATIO_TARGET = 3.5
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")
_STYLE_ATTR = re.compile(r' style="[^"]*"')


_BLOCKS = frozenset(
    {
        "section",
        "div",
        "p",
        "blockquote",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "pre",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
    }
)


class _Visible(HTMLParser):
    """Collects what a browser shows: text nodes, ``<br>`` as a line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pending = ""  # whitespace-only text after a block tag, kept if inline follows

    def _tag(self, tag: str) -> None:
        if tag not in _BLOCKS:
            self.parts.append(self.pending)
        self.pending = ""
        if tag == "br":
            self.parts.append("\x00")  # a forced break: never collapsed away

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag)

    def handle_data(self, data: str) -> None:
        if data.isspace():
            self.pending += data
        else:
            self.parts.extend((self.pending, data))
            self.pending = ""


def visible_length(html: str) -> int:
    """Characters a reader sees: collapsible whitespace runs count once (``&nbsp;`` counts)."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return len(_COLLAPSIBLE.sub(" ", "".join(parser.parts)).strip(" "))


@dataclass
class SetResult:
    name: str
    posts: int = 0
    median_ratio: float = 0.0
    min_ratio: float = 0.0
    max_ratio: float = 0.0
    style_share: float = 0.0  # median share of the HTML inside style="..."
    skipped: list[str] = field(default_factory=list)


def measure(name: str, folder: Path) -> SetResult:
    result = SetResult(name)
    ratios, shares = [], []
    for path in sorted(folder.rglob("*.md")):
        try:
            config = load_config(path)
            html = render_article(read_article(path.resolve(), config), config).html
        except MdwxError as exc:
            result.skipped.append(f"{path.name}: {exc}")
            continue
        visible = visible_length(html)
        if not visible:
            continue
        ratios.append(len(html) / visible)
        shares.append(sum(len(m) for m in _STYLE_ATTR.findall(html)) / len(html))
    if ratios:
        result.posts = len(ratios)
        result.median_ratio = round(statistics.median(ratios), 3)
        result.min_ratio, result.max_ratio = round(min(ratios), 3), round(max(ratios), 3)
        result.style_share = round(statistics.median(shares), 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Median HTML ÷ visible text of rendered posts.")
    parser.add_argument("dirs", nargs="*", type=Path, help="extra folders of Markdown posts")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    args = parser.parse_args(argv)
    notes, sets = [], []
    if REAL_CORPUS.is_dir():
        sets.append(("real-world corpus", REAL_CORPUS))
    else:
        notes.append(f"real-world corpus not found at {REAL_CORPUS}: skipped")
    sets.append(("sample site", SAMPLE_POSTS))
    sets.extend((str(folder), folder) for folder in args.dirs)
    results = [measure(name, folder) for name, folder in sets]
    if args.json:
        print(
            json.dumps(
                {
                    "sets": [asdict(r) for r in results],
                    "notes": notes,
                    "ratio_target": RATIO_TARGET,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for note in notes:
        print(note)
    print(f"{'set':<40}{'posts':>6}{'median':>8}{'min':>7}{'max':>7}{'style':>7}")
    for res in results:
        print(
            f"{res.name[:39]:<40}{res.posts:>6}{res.median_ratio:>8.2f}{res.min_ratio:>7.2f}"
            f"{res.max_ratio:>7.2f}{res.style_share:>7.0%}"
        )
        if res.posts:
            verdict = "ok" if res.median_ratio <= RATIO_TARGET else "OVER TARGET"
            print(
                f"  median HTML / visible text = {res.median_ratio:.2f} "
                f"(target <= {RATIO_TARGET}: {verdict})"
            )
        print("".join(f"  skipped {item}\n" for item in res.skipped), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
