"""The hostile corpus (``tests/corpus/bad/``): every post is refused with a clear one-line
error or rendered safely, by the real CLI in a process held to memory and CPU limits.

``expected.toml`` says, per post, what ``check`` and ``publish`` must do. Big and
file-system cases (10 MB lines, decompression bombs, symbolic links out of the site) are
generated at test time rather than committed. Publishing goes to the sandbox: the refused
posts must leave no upload, article or submission in its database, and the published ones
no active markup in the stored article.
"""

from __future__ import annotations

import http.server
import json
import os
import resource
import shutil
import sqlite3
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_escaping import active_markup

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "corpus" / "bad"
EXPECTED: dict[str, dict[str, str]] = tomllib.loads((CORPUS / "expected.toml").read_text("utf-8"))
MEMORY_LIMIT = 3 * 1024**3  # address space: a bomb that got through would hit this
CPU_LIMIT = 240  # seconds of CPU: a quadratic parse that got through would hit this
FM = "---\ntitle: {title}\ncover: assets/ok.png\n---\n\n"

# Generated at test time: (name, check, publish) with the body written by _generate.
GENERATED = {
    "gen-line-10mb.md": ("larger than the limit", "larger than the limit"),
    "gen-line-1mb.md": ("content", "content"),
    "gen-front-matter-5mb.md": ("larger than the limit", "larger than the limit"),
    "gen-deep-blockquotes.md": ("ok", "ok"),
    "gen-pathological-emphasis.md": ("ok", "ok"),
    "gen-many-lt.md": ("ok", "ok"),
    "gen-decompression-bomb.md": ("too many pixels", "too many pixels"),
    "gen-symlink-post.md": ("outside the site", "outside the site"),
    "gen-symlink-image.md": ("symbolic link leading outside", "symbolic link leading outside"),
    "gen-symlink-device.md": ("symbolic link leading outside", "symbolic link leading outside"),
}


# Refused by check already (build's run shows it) and slow to read twice: not published.
BIG_TEXT = {
    "gen-line-10mb.md",
    "gen-line-1mb.md",
    "gen-front-matter-5mb.md",
    "gen-pathological-emphasis.md",
    "gen-many-lt.md",
}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))


def mdwx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process under memory and CPU limits; killed = test failure."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
    env["XDG_CACHE_HOME"] = str(cwd / "cache")
    result = subprocess.run(
        [sys.executable, "-m", "mdwx", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
        preexec_fn=_limits,
    )
    assert result.returncode >= 0, f"killed by signal {-result.returncode}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    return result


def _png_bomb(path: Path, side: int = 20_000) -> None:
    """A grey PNG of side x side pixels (400 MP): a few hundred KB on disk.

    The pixel data is one compressed band of rows written over and over: a full flush ends
    the band on a byte boundary with no reference back, so copies of it join into one valid
    deflate stream (RFC 1951). Compressing the 400 MB itself took seconds of processor time.
    """
    rows_per_band = 100
    band = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: no header or checksum
    row = b"\0" + b"\0" * side
    block = band.compress(row * rows_per_band) + band.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    checksum = 1
    for _ in range(side):
        checksum = zlib.adler32(row, checksum)
    data = b"\x78\xda" + block * (side // rows_per_band) + end + struct.pack(">I", checksum)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _generate(site: Path, outside: Path) -> None:
    outside.mkdir()
    (outside / "secret.md").write_text(FM.format(title="SECRET") + "Private text.\n", "utf-8")
    shutil.copy(site / "assets" / "ok.png", outside / "secret.png")
    (site / "gen-line-10mb.md").write_text(FM.format(title="long line") + "a" * 10_000_000, "utf-8")
    (site / "gen-line-1mb.md").write_text(FM.format(title="1 MB line") + "a" * 1_000_000, "utf-8")
    (site / "gen-front-matter-5mb.md").write_text(
        "---\ntitle: " + "t" * 5_000_000 + "\ncover: assets/ok.png\n---\n\nBody.\n", "utf-8"
    )
    (site / "gen-deep-blockquotes.md").write_text(
        FM.format(title="deep") + ">" * 5000 + " x\n", "utf-8"
    )
    (site / "gen-pathological-emphasis.md").write_text(
        FM.format(title="em") + "*a " * 100_000, "utf-8"
    )
    (site / "gen-many-lt.md").write_text(FM.format(title="lt") + "<" * 100_000, "utf-8")
    _png_bomb(site / "assets" / "bomb.png")
    (site / "gen-decompression-bomb.md").write_text(
        FM.format(title="bomb") + "![x](assets/bomb.png)\n", "utf-8"
    )
    (site / "gen-symlink-post.md").symlink_to(outside / "secret.md")
    (site / "assets" / "link.png").symlink_to(outside / "secret.png")
    (site / "gen-symlink-image.md").write_text(
        FM.format(title="link") + "![x](assets/link.png)\n", "utf-8"
    )
    (site / "assets" / "device.png").symlink_to("/dev/zero")
    (site / "gen-symlink-device.md").write_text(
        FM.format(title="dev") + "![x](assets/device.png)\n", "utf-8"
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, str]]]:
    base = tmp_path_factory.mktemp("hostile")
    site = base / "site"
    shutil.copytree(CORPUS, site, ignore=shutil.ignore_patterns("expected.toml"))
    _generate(site, base / "outside")
    expected = dict(EXPECTED)
    expected.update({name: {"check": c, "publish": p} for name, (c, p) in GENERATED.items()})
    return site, expected


def test_the_corpus_is_big_enough_and_fully_described() -> None:
    posts = sorted(p.name for p in CORPUS.glob("*.md"))
    assert posts == sorted(EXPECTED)
    assert len(posts) + len(GENERATED) >= 60


def _outcomes(document: dict) -> dict[str, dict]:
    return {Path(post["path"]).name: post for post in document["posts"]}


def _assert_outcome(name: str, post: dict, expected: str) -> None:
    error = post["error"]
    if expected == "ok":
        assert error is None, f"{name}: {error}"
        return
    assert error is not None, f"{name} was not refused"
    message = error["message"]
    assert "\n" not in message and "\r" not in message
    assert expected in message, f"{name}: {message!r} lacks {expected!r}"


def test_build_refuses_or_renders_safely(corpus, tmp_path: Path) -> None:
    """``build`` is ``check`` plus the written files: one run judges both."""
    site, expected = corpus
    out = tmp_path / "out"
    built = mdwx("build", "--json", str(site), "-o", str(out), cwd=tmp_path)
    assert built.returncode == 1  # some posts failed; the run itself is fine
    outcomes = _outcomes(json.loads(built.stdout))
    assert sorted(outcomes) == sorted(expected)
    for name, post in outcomes.items():
        _assert_outcome(name, post, expected[name]["check"])
        for output in post["outputs"]:
            path = Path(output)
            assert path.resolve().is_relative_to(out.resolve()), f"{name} wrote {path}"
            found = active_markup(path.read_text("utf-8"), preview=path.name == "preview.html")
            assert found == [], f"{name}: {found}"
    assert "SECRET" not in built.stdout + built.stderr


def _sandbox_counts(site: Path) -> dict[str, int]:
    """Rows the in-process sandbox holds; a sandbox never written to (every post refused
    before anything could be sent) holds none."""
    tables = ("images", "videos", "blocks", "articles", "submissions")
    database = site / ".mdwx" / "sandbox.db"
    if not database.exists():
        return dict.fromkeys(tables, 0)
    with sqlite3.connect(database) as db:
        present = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if table in present
            else 0
            for table in tables
        }


def _subset(site: Path, names: list[str], target: Path) -> Path:
    target.mkdir()
    shutil.copytree(site / "assets", target / "assets", symlinks=True)
    shutil.copy(site / "mdwx.toml", target / "mdwx.toml")
    for name in names:
        source = site / name
        if source.is_symlink():
            (target / name).symlink_to(os.readlink(source))
        else:
            shutil.copy(source, target / name)
    return target


def test_refused_posts_send_nothing(corpus, tmp_path: Path) -> None:
    """Every post publish must refuse, published together: not one request creates anything."""
    site, expected = corpus
    refused = [
        name for name, want in expected.items() if want["publish"] != "ok" and name not in BIG_TEXT
    ]
    subset = _subset(site, refused, tmp_path / "site")
    result = mdwx("publish", "--sandbox", "--json", str(subset), cwd=tmp_path)
    assert result.returncode == 1
    outcomes = _outcomes(json.loads(result.stdout))
    assert sorted(outcomes) == sorted(refused)
    for name, post in outcomes.items():
        assert post["status"] == "failed", name
        _assert_outcome(name, post, expected[name]["publish"])
    assert _sandbox_counts(subset) == dict.fromkeys(
        ("images", "videos", "blocks", "articles", "submissions"), 0
    )
    assert "SECRET" not in result.stdout + result.stderr  # a URL's password is never printed


# Published for real (a few: each publish waits for the sandbox's review); the rest of the
# safe renderings are judged on build's identical content above.
PUBLISHED = [
    "html-script.md",
    "card-hostile-title.md",
    "img-data-uri-quote.md",
    "svg-script.md",
    "html-img-onerror.md",
]


def test_published_hostile_posts_carry_no_active_markup(corpus, tmp_path: Path) -> None:
    site, expected = corpus
    safe = [name for name in PUBLISHED if expected[name]["publish"] == "ok"]
    assert safe == PUBLISHED
    subset = _subset(site, safe, tmp_path / "site")
    result = mdwx("publish", "--sandbox", "--json", str(subset), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert all(post["status"] == "published" for post in json.loads(result.stdout)["posts"])
    with sqlite3.connect(subset / ".mdwx" / "sandbox.db") as db:
        stored = [json.loads(row[0]) for row in db.execute("SELECT items FROM articles")]
    assert len(stored) == len(safe)
    for items in stored:
        for item in items:
            assert active_markup(item["content"], preview=False) == [], item["title"]


class _Loop(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(302)
        self.send_header("Location", self.path + "x")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirect_loop() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Loop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_redirect_loop_is_cut_and_sends_nothing(
    corpus, tmp_path: Path, redirect_loop: str
) -> None:
    """Even with loopback allowed (a site serving its own images), a loop ends at the limit."""
    site, _ = corpus
    subset = _subset(site, [], tmp_path / "site")
    (subset / "mdwx.toml").write_text("[images]\nallow_private_hosts = true\n", "utf-8")
    (subset / "loop.md").write_text(
        FM.format(title="loop") + f"![x]({redirect_loop}/a.png)\n", "utf-8"
    )
    result = mdwx("publish", "--sandbox", "--json", str(subset), cwd=tmp_path)
    assert result.returncode == 1
    [post] = json.loads(result.stdout)["posts"]
    assert "redirects" in post["error"]["message"]
    assert _sandbox_counts(subset)["images"] == 0 and _sandbox_counts(subset)["articles"] == 0
