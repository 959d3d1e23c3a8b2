"""A cover for a post that has none: drawn with Pillow from the title and the theme's colours.

WeChat requires a cover (``thumb_media_id``) for every article. When the post names none,
has no image and the site sets no ``default_cover``, ``publish`` makes one here rather than
fail. The picture is 900×383 (WeChat's 2.35:1 cover) and keeps everything that matters in
the centre 383×383 square, which is what WeChat shows when it crops the cover to 1:1 (share
cards, the second article of a message). The title is drawn only in a font that has a glyph
for every one of its characters — the site's ``cover_font``, else a common system CJK or
Latin font — and otherwise the cover is a clean design without text. The same title, theme
and font always give the same bytes, so a re-run finds the upload in the state and sends
nothing.
"""

from __future__ import annotations

import glob
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from uniseg.linebreak import line_break_units

from mdwx.errors import ConfigError
from mdwx.files.reader import check_file

SIZE = (900, 383)
SQUARE = SIZE[1]  # the centre square WeChat's 1:1 crop keeps
MARGIN = 30  # inside the square
FONT_SIZES = (46, 42, 38, 34, 30, 27, 24)
MAX_LINES = 4
# Typical places of fonts with CJK glyphs (then Latin ones), most common first.
SYSTEM_FONT_PATTERNS = (
    "/usr/share/fonts/**/Noto*CJK*",
    "/usr/share/fonts/**/NotoSans*SC*",
    "/usr/share/fonts/**/SourceHan*",
    "/usr/share/fonts/**/wqy-*",
    "/usr/share/fonts/**/*[Ss]arasa*",
    "/usr/share/fonts/**/droid/DroidSansFallback*",
    "/usr/local/share/fonts/**/*CJK*",
    "~/.local/share/fonts/**/*CJK*",
    "~/.fonts/**/*CJK*",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti*",
    "/System/Library/Fonts/Hiragino*",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh*.tt?",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/usr/share/fonts/**/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/**/DejaVuSans.ttf",
    "/usr/share/fonts/**/LiberationSans-Bold.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
    "C:/Windows/Fonts/arialbd.ttf",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_COLOUR = r"(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b"
# Kinsoku shori (JIS X 4051, GB/T 15834 practice) on top of UAX #14: characters that never
# start a line (closing marks, small kana, iteration and prolonged-sound marks) and that
# never end one (opening marks). UAX #14 alone lets small kana and "ー" start a line.
NO_LINE_START = frozenset(
    "、。，．・：；？！ー々ゝゞヽヾ〻‐゠〜～ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    ")）]］}｝〕〉》」』】〙〗〟’”｠»%％‰℃°!?,.:;"
)
NO_LINE_END = frozenset("(（[［{｛〔〈《「『【〘〖〝‘“｟«")


@dataclass(frozen=True)
class Colours:
    ink: str = "#1f2d3d"  # headings
    accent: str = "#07a35a"  # strong text, rules
    paper: str = "#f2f7f4"  # quote background


@dataclass(frozen=True)
class Cover:
    """A generated cover: PNG bytes and the font its title was drawn in (None: no text)."""

    png: bytes
    font: Path | None

    @property
    def note(self) -> str:
        how = (
            f"with the title in {self.font.name}"
            if self.font
            else "without text (no font with glyphs for the title was found; set cover_font in mdwx.toml)"
        )
        return f"no cover image given: made a {SIZE[0]}×{SIZE[1]} cover {how}"


def theme_colours(css: str) -> Colours:
    """Heading, accent and tint colours read from a theme's CSS (defaults when absent)."""

    def first(rule: str, prop: str) -> str | None:
        block = re.search(rf"(?:^|\}})\s*{rule}\s*\{{([^}}]*)\}}", css, re.M)
        if block is None:
            return None
        value = re.search(rf"(?:^|;)\s*{prop}\s*:[^;]*?{_COLOUR}", block.group(1))
        return value.group(1) if value else None

    default = Colours()
    return Colours(
        ink=first("h1", "color") or default.ink,
        accent=first("strong", "color") or first("blockquote", "border-left") or default.accent,
        paper=first("blockquote", "background") or default.paper,
    )


@lru_cache(maxsize=1)
def system_fonts() -> tuple[Path, ...]:
    """Font files found at the usual system places, in order of preference (deduplicated).

    Looked for once per process: the recursive globs cost more than drawing a cover."""
    found: list[Path] = []
    for pattern in SYSTEM_FONT_PATTERNS:
        for name in sorted(glob.glob(os.path.expanduser(pattern), recursive=True)):
            path = Path(name)
            if path.suffix.lower() in _FONT_SUFFIXES and path.is_file() and path not in found:
                found.append(path)
    return tuple(found)


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[object, bytes]:
    mask = font.getmask(char)
    return font.getbbox(char), bytes(mask)


def has_glyphs(path: Path, text: str) -> bool:
    """Whether the font draws every visible character of ``text`` (no missing-glyph boxes).

    A character the font lacks is drawn as its ``.notdef`` glyph; it is recognised by
    comparing with a code point no font maps (U+10FFFD, private use).
    """
    try:
        font = _font(path, 32)
        missing = _glyph(font, "\U0010fffd")
        for char in set(text):
            if char.isspace() or unicodedata.category(char)[0] in "CZ":
                continue
            if _glyph(font, char) == missing:
                return False
    except (OSError, ValueError):
        return False
    return True


def choose_font(
    title: str, configured: Path | None, candidates: Iterable[Path] | None = None
) -> Path | None:
    """The configured font when it has the title's glyphs, else the first system font that does."""
    if configured is not None and has_glyphs(configured, title):
        return configured
    for path in candidates if candidates is not None else system_fonts():
        if has_glyphs(path, title):
            return path
    return None


def configured_font(value: str | None, root: Path, where: Path) -> Path | None:
    """``cover_font`` from the config as a path (relative to the site root); must be a font file."""
    if not value:
        return None
    path = Path(os.path.expanduser(value))
    path = path if path.is_absolute() else root / path
    try:
        # A system font may lie outside the site (it is drawn, never sent), but FreeType must
        # never be handed a FIFO or a device: the reader's regular-file rule first.
        check_file(path, error=ConfigError, name=f"cover_font: {value}")
        ImageFont.truetype(str(path), 12)
    except ConfigError as exc:
        raise exc.at(where) from None
    except OSError:
        raise ConfigError(
            f"cover_font: {value}: not a readable TrueType/OpenType font",
            path=where,
            hint="give the path of a .ttf, .otf or .ttc file",
        ) from None
    return path


def cover_for_post(
    title: str, theme_css: str, cover_font: str | None, root: Path, config_path: Path | None
) -> Cover:
    """The cover publish makes for a post without one: the site's ``cover_font`` (relative to
    ``root``) or a system font, the theme's colours. ``build`` and the previews show the same
    picture. Raises ConfigError for a ``cover_font`` that is not a font."""
    where = config_path or root / "mdwx.toml"
    font = choose_font(title, configured_font(cover_font, root, where))
    return make_cover(title, theme_colours(theme_css), font)


def make_cover(title: str, colours: Colours, font: Path | None) -> Cover:
    """Draw the cover; the title goes in the centre square when ``font`` is given."""
    image = Image.new("RGB", SIZE, colours.paper)
    draw = ImageDraw.Draw(image)
    _decorate(draw, title, colours)
    drawn = (
        font
        if font is not None and title.strip() and _draw_title(draw, title, colours, font)
        else None
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return Cover(out.getvalue(), drawn)


def _decorate(draw: ImageDraw.ImageDraw, title: str, colours: Colours) -> None:
    """Accent shapes outside the centre square, placed by the title's hash (so posts differ)."""
    seed = hashlib.sha256(title.encode("utf-8")).digest()
    left, right = (SIZE[0] - SQUARE) // 2, (SIZE[0] + SQUARE) // 2
    for side, (x0, x1) in enumerate(((0, left), (right, SIZE[0]))):
        for i in range(4):
            byte = seed[side * 8 + i]
            radius = 18 + byte % 60
            cx = x0 + 20 + (seed[side * 8 + i + 4] * (x1 - x0 - 40)) // 255
            cy = 30 + (byte * (SIZE[1] - 60)) // 255
            box = [cx - radius, cy - radius, cx + radius, cy + radius]
            if i % 2:
                draw.ellipse(box, outline=colours.accent, width=4)
            else:
                draw.ellipse(box, fill=colours.accent if i == 0 else colours.ink)
    # The centre square goes over the shapes: the 1:1 crop shows a calm card with the title.
    draw.rectangle([left, 0, right - 1, SIZE[1] - 1], fill="#ffffff")
    draw.rectangle([left, SIZE[1] - 10, right - 1, SIZE[1] - 1], fill=colours.accent)


def break_units(title: str) -> list[str]:
    """``title`` cut at its line-break opportunities: UAX #14 (``uniseg``) with CJK kinsoku.

    Each unit may end a line; its trailing spaces vanish when it does. Joined, the units
    are ``title``.
    """
    units: list[str] = []
    for unit in line_break_units(title):
        if units and (unit[0] in NO_LINE_START or units[-1].rstrip()[-1:] in NO_LINE_END):
            units[-1] += unit
        else:
            units.append(unit)
    return units


def _break_penalty(unit: str, width: float) -> float:
    """What ending a line after ``unit`` costs: nothing at a space or after CJK punctuation,
    something inside a run of CJK characters (words have no spaces there), more inside a
    Latin word or URL (after a hyphen or slash)."""
    last = unit[-1]
    if last.isspace() or (
        unicodedata.east_asian_width(last) in "WF" and unicodedata.category(last)[0] == "P"
    ):
        return 0.0
    if unicodedata.east_asian_width(last) in "WF":
        return (0.35 * width) ** 2
    return (0.5 * width) ** 2


def wrap_title(
    title: str, measure: Callable[[str], float], width: float, max_lines: int
) -> list[str] | None:
    """The title in the fewest lines (at most ``max_lines``) no wider than ``width``, broken
    only at :func:`break_units`, the lines as even as possible and breaks at spaces preferred;
    None when no such layout exists. ``measure`` gives a text's drawn width (px)."""
    units = break_units(title)
    count = len(units)
    inf = float("inf")
    # best[j] for the current line count: (cost, start of the last line) laying units[:j]
    best: list[tuple[float, int]] = [(0.0, 0)] + [(inf, 0)] * count
    chains: list[list[tuple[float, int]]] = []
    for _ in range(max_lines):
        following: list[tuple[float, int]] = [(inf, 0)] * (count + 1)
        for end in range(1, count + 1):
            for start in range(end - 1, -1, -1):
                if best[start][0] == inf:
                    continue
                line = "".join(units[start:end]).strip()
                drawn = measure(line)
                if drawn > width:
                    break  # wider still for earlier starts
                cost = best[start][0] + (width - drawn) ** 2
                cost += _break_penalty(units[end - 1], width) if end < count else 0.0
                if cost < following[end][0]:
                    following[end] = (cost, start)
        chains.append(following)
        if following[count][0] < inf:
            lines, end = [], count
            for table in reversed(chains):
                start = table[end][1]
                lines.append("".join(units[start:end]).strip())
                end = start
            return [line for line in reversed(lines) if line]
        best = following
    return None


def _wrap(title: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy lines at the same break opportunities, for a title that fits no size: a single
    unit wider than the line stays whole (:func:`_clip` shortens it)."""
    lines: list[str] = []
    line = ""
    for unit in break_units(title):
        if line and font.getlength((line + unit).strip()) > width:
            lines.append(line.strip())
            line = unit
        else:
            line += unit
    if line.strip():
        lines.append(line.strip())
    return lines


def _clip(line: str, font: ImageFont.FreeTypeFont, width: int, *, more: bool) -> str:
    """``line`` shortened with "…" to fit ``width`` (always marked when ``more`` text follows)."""
    if not more and font.getlength(line) <= width:
        return line
    while line and font.getlength(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _draw_title(draw: ImageDraw.ImageDraw, title: str, colours: Colours, path: Path) -> bool:
    title = " ".join(title.split())
    width = SQUARE - 2 * MARGIN
    for size in FONT_SIZES:
        font = _font(path, size)
        found = wrap_title(title, font.getlength, width, MAX_LINES)
        if found is not None:
            lines = found
            break
    else:  # even the smallest size needs more lines: clip what does not fit
        lines = _wrap(title, font, width)
        more = len(lines) > MAX_LINES
        lines = lines[:MAX_LINES]
        lines = [
            _clip(line, font, width, more=more and i == len(lines) - 1)
            for i, line in enumerate(lines)
        ]
    step = round(size * 1.35)
    top = (SIZE[1] - 10 - step * len(lines)) // 2
    for i, line in enumerate(lines):
        draw.text(
            (SIZE[0] // 2, top + i * step + step // 2),
            line,
            font=font,
            fill=colours.ink,
            anchor="mm",
        )
    return True
