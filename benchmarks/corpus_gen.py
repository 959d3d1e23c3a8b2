"""Deterministic generator of a synthetic Markdown corpus for the render benchmark.

Real articles (``../shared/bench/corpus``) are few; this corpus adds volume and a
controlled mix of every block mdwx transforms (headings, Chinese and English paragraphs,
nested lists, tables, code fences, links, images, math, blockquotes), so a regression in
one transform shows up as a throughput change. A seeded :class:`random.Random` makes the
same seed give byte-identical posts on every machine and Python version.

Use :func:`generate` to iterate ``(name, text)`` pairs, or run the module to write files::

    python benchmarks/corpus_gen.py OUT_DIR [--count 200] [--seed 2024]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

MIN_BYTES = 2 * 1024
MAX_BYTES = 60 * 1024
DEFAULT_COUNT = 200
DEFAULT_SEED = 2024

_EN_TEXT = (
    "markdown render article publish wechat image upload token cache theme style inline "
    "section paragraph heading table list code block server client request response state "
    "draft review status video formula digest cover author reader phone editor content "
    "simple fast small clear robust careful every each other first last next quickly "
    "the a of to and in is that for with on as by it this be are from at"
)
EN_WORDS = tuple(_EN_TEXT.split())
ZH_PHRASES = (
    "公众号",
    "排版",
    "文章",
    "图片",
    "上传",
    "代码块",
    "列表",
    "表格",
    "公式",
    "预览",
    "发布",
    "草稿",
    "审核",
    "读者",
    "手机",
    "编辑器",
    "样式",
    "主题",
    "链接",
    "引用",
    "我们",
    "可以",
    "需要",
    "因为",
    "所以",
    "但是",
    "如果",
    "已经",
    "非常",
    "简单",
    "一个",
    "这个",
    "每次",
    "没有",
    "自动",
    "保留",
    "转换",
    "检查",
    "作者",
    "封面",
)
ZH_PUNCT = ("，", "，", "，", "、", "；")
CODE_SNIPPETS: dict[str, tuple[str, ...]] = {
    "python": (
        "def {name}(items: list[int]) -> int:",
        "    total = 0",
        "    for item in items:",
        "        total += item * {num}",
        "    return total  # {word}",
    ),
    "go": (
        "func {name}(items []int) int {{",
        "\ttotal := 0",
        "\tfor _, item := range items {{",
        "\t\ttotal += item * {num}",
        "\t}}",
        "\treturn total // {word}",
        "}}",
    ),
    "javascript": (
        "export function {name}(items) {{",
        "  return items.reduce((total, item) => total + item * {num}, 0); // {word}",
        "}}",
    ),
    "rust": (
        "fn {name}(items: &[i64]) -> i64 {{",
        "    items.iter().map(|x| x * {num}).sum() // {word}",
        "}}",
    ),
    "bash": (
        "for f in posts/*.md; do mdwx check \"$f\" --json | jq '.{word}' > /tmp/{name}.{num}.json; done",
    ),
    "sql": ("SELECT id, {word} FROM {name} WHERE score > {num} ORDER BY id DESC LIMIT 20;",),
    "": ("plain {word} text\twith a tab", "    indented {name} line {num}"),
}
FORMULAS = (
    r"a^2 + b^2 = c^2",
    r"\frac{{n(n+1)}}{{2}}",
    r"\sum_{{k=1}}^{{{num}}} k^2",
    r"\int_0^1 x^{{{num}}}\,dx",
    r"e^{{i\pi}} + 1 = 0",
    r"\sqrt{{{num}}} \approx x_{{{num}}}",
)
IMAGE_EXTS = ("png", "jpg", "webp", "gif", "svg")


def _en_sentence(rng: random.Random) -> str:
    words = rng.choices(EN_WORDS, k=rng.randint(6, 16))
    text = " ".join(words)
    if rng.random() < 0.3:
        text += f" **{rng.choice(EN_WORDS)}**"
    if rng.random() < 0.2:
        text += f" `{rng.choice(EN_WORDS)}()`"
    return text[0].upper() + text[1:] + rng.choice((".", ".", "!", "?"))


def _zh_sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 4)):
        parts.append("".join(rng.choices(ZH_PHRASES, k=rng.randint(3, 7))))
    text = rng.choice(ZH_PUNCT).join(parts)
    if rng.random() < 0.3:
        text += f" {rng.choice(EN_WORDS)} "
    return text + rng.choice(("。", "。", "！", "？"))


def _inline_extras(rng: random.Random) -> str:
    """Links, images and inline math sprinkled into paragraphs."""
    roll = rng.random()
    word = rng.choice(EN_WORDS)
    if roll < 0.15:
        return f" [{word}](https://example.com/{word}/{rng.randint(1, 999)})"
    if roll < 0.22:
        return f" [往期文章](https://mp.weixin.qq.com/s/{word}{rng.randint(1, 99)})"
    if roll < 0.30:
        return f" ${rng.choice(FORMULAS).format(num=rng.randint(2, 9))}$"
    if roll < 0.34:
        return f" <https://example.org/{word}>"
    return ""


def paragraph(rng: random.Random) -> str:
    make = _zh_sentence if rng.random() < 0.55 else _en_sentence
    sentences = [make(rng) + _inline_extras(rng) for _ in range(rng.randint(2, 6))]
    return " ".join(sentences)


def heading(rng: random.Random) -> str:
    level = rng.choice((2, 2, 3, 3, 4))
    title = (
        _zh_sentence(rng)[:12].rstrip("，、；。") if rng.random() < 0.5 else _en_sentence(rng)[:40]
    )
    return f"{'#' * level} {title}"


def bullet_list(rng: random.Random) -> str:
    """A list nested up to three levels, ordered or not (sometimes starting past 1)."""
    lines = []
    ordered = rng.random() < 0.4
    start = rng.choice((1, 1, 3))
    for index in range(rng.randint(3, 7)):
        marker = f"{start + index}." if ordered else "-"
        lines.append(f"{marker} {_en_sentence(rng) if rng.random() < 0.5 else _zh_sentence(rng)}")
        indent = " " * (len(marker) + 1)
        if rng.random() < 0.35:
            lines.append(f"{indent}- {_zh_sentence(rng)}")
            if rng.random() < 0.5:
                lines.append(f"{indent}  - [{rng.choice(' x')}] {_en_sentence(rng)}")
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    columns = rng.randint(2, 5)
    aligns = rng.choices((":---", ":---:", "---:", "---"), k=columns)
    header = "| " + " | ".join(rng.choice(ZH_PHRASES) for _ in range(columns)) + " |"
    rows = [header, "|" + "|".join(aligns) + "|"]
    for _ in range(rng.randint(2, 8)):
        cells = [
            rng.choice((rng.choice(EN_WORDS), str(rng.randint(0, 9999)), rng.choice(ZH_PHRASES)))
            for _ in range(columns)
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def code_fence(rng: random.Random) -> str:
    language = rng.choice(sorted(CODE_SNIPPETS))
    lines = []
    for _ in range(rng.randint(1, 3)):
        values = {
            "name": f"{rng.choice(EN_WORDS)}_{rng.randint(1, 99)}",
            "num": rng.randint(2, 500),
            "word": rng.choice(EN_WORDS),
        }
        lines.extend(line.format(**values) for line in CODE_SNIPPETS[language])
    return f"```{language}\n" + "\n".join(lines) + "\n```"


def image(rng: random.Random) -> str:
    name = f"images/{rng.choice(EN_WORDS)}-{rng.randint(1, 50)}.{rng.choice(IMAGE_EXTS)}"
    alt = rng.choice(ZH_PHRASES)
    suffix = f"{{width={rng.choice((200, 300, 400))}}}" if rng.random() < 0.3 else ""
    return f"![{alt}]({name}){suffix}"


def display_math(rng: random.Random) -> str:
    return "$$\n" + rng.choice(FORMULAS).format(num=rng.randint(2, 9)) + "\n$$"


def blockquote(rng: random.Random) -> str:
    if rng.random() < 0.3:
        kind = rng.choice(("NOTE", "TIP", "WARNING"))
        return f"> [!{kind}]\n> {_zh_sentence(rng)}"
    return "\n>\n".join(f"> {paragraph(rng)}" for _ in range(rng.randint(1, 2)))


BLOCKS: tuple[tuple[Callable[[random.Random], str], int], ...] = (
    (paragraph, 40),
    (heading, 10),
    (bullet_list, 10),
    (table, 5),
    (code_fence, 10),
    (image, 8),
    (display_math, 4),
    (blockquote, 6),
)


def post(rng: random.Random, target_bytes: int) -> str:
    """One post of roughly ``target_bytes`` UTF-8 bytes (never more than MAX_BYTES)."""
    makers = [maker for maker, _ in BLOCKS]
    weights = [weight for _, weight in BLOCKS]
    blocks = [f"# {_en_sentence(rng)[:50]}", paragraph(rng)]
    size = sum(len(b.encode()) + 2 for b in blocks)
    while size < target_bytes:
        block = rng.choices(makers, weights)[0](rng)
        cost = len(block.encode()) + 2
        if size + cost > MAX_BYTES:
            break
        blocks.append(block)
        size += cost
    return "\n\n".join(blocks) + "\n"


def generate(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> Iterator[tuple[str, str]]:
    """Yield ``(file name, Markdown text)``; sizes are log-uniform in [2 KB, 60 KB]."""
    rng = random.Random(seed)
    for index in range(count):
        target = int(MIN_BYTES * (MAX_BYTES / MIN_BYTES) ** rng.random())
        yield f"gen-{index:04d}.md", post(rng, max(target, MIN_BYTES))


def write_corpus(out: Path, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the corpus into ``out`` (created if needed) and return the file paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(count, seed):
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the synthetic benchmark corpus.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.count, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} posts, {total / 1024:.0f} KB, into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
