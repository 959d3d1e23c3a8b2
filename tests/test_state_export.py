"""``mdwx state export|import`` and ``state_file``: the state as a committed text file, so a
fresh runner never publishes a recorded post again."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.publish.state.export import export_text, import_file, merge, parse, render, write_records
from mdwx.publish.state.schema import UPLOAD_KINDS
from mdwx.publish.statuses import ARTICLE_STATUSES
from tests.cli_helpers import count, mdwx, sandbox_env, write_post
from tests.publish_helpers import sandbox

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
key = st.sampled_from(["a", "b", "posts/c.md", "中文.md"])
stamp = st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "+00:00")
maybe = st.none() | text

RECORDS = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("side_draft"),
            "appid": st.just("wx1"),
            "backend": st.sampled_from(["media", "draft"]),
            "sources": st.lists(key, min_size=1, max_size=3, unique=True).map(
                lambda paths: json.dumps(paths, ensure_ascii=False)
            ),
            "version": text,
            "media_id": text,
            "old_media_id": text,
            "status": st.sampled_from(["uploading", "draft", "sent"]),
            "title": text,
            "created_at": stamp,
            "updated_at": stamp,
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("article"),
            "appid": st.sampled_from(["wx1", "wx2"]),
            "backend": st.sampled_from(["media", "draft"]),
            "source_path": key,
            "media_id": maybe,
            "content_hash": text,
            "status": st.sampled_from(ARTICLE_STATUSES),
            "url": maybe,
            "title": text,
            "created_at": stamp,
            "updated_at": stamp,
            "submitted_at": st.none() | stamp,
            "published_at": st.none() | stamp,
            "source_hash": text,
            "post_key": text,
            "publish_id": text,
            "article_id": text,
            "msg_data_id": text,
            "bundle": text,
            "bundle_index": st.integers(0, 7),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("superseded"),
            "appid": st.just("wx1"),
            "source_path": key,
            "media_id": key,
            "status": st.sampled_from(ARTICLE_STATUSES),
            "url": maybe,
            "title": text,
            "created_at": stamp,
            "superseded_at": stamp,
            "backend": st.sampled_from(["media", "draft"]),
            "article_id": text,
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("upload"),
            "appid": st.just("wx1"),
            "content_hash": key,
            "kind": st.sampled_from(UPLOAD_KINDS),
            "url": text,
            "media_id": maybe,
            "size": st.integers(0, 10**9),
            "created_at": stamp,
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("video"),
            "appid": st.just("wx1"),
            "file_sha1": key,
            "vid": text,
            "filename": text,
            "filesize": st.integers(0, 10**9),
            "blocks_confirmed": st.integers(0, 99),
            "finished": st.sampled_from([0, 1]),
            "media_id": maybe,
            "status": st.none() | st.integers(0, 5),
            "wording": text,
            "updated_at": stamp,
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("submissions"),
            "appid": st.just("wx1"),
            "day": st.sampled_from(["2026-01-01", "2026-01-02"]),
            "count": st.integers(0, 100),
        }
    ),
)
EXPORTS = st.lists(RECORDS, max_size=12)
FAST = settings(max_examples=60)


def _text(records) -> str:
    return render(merge(records).records.values())


@FAST
@given(EXPORTS, EXPORTS, EXPORTS)
def test_merge_is_order_independent_idempotent_and_associative(a, b, c) -> None:
    assert _text([*a, *b]) == _text([*b, *a])
    assert _text([*a, *a]) == _text(a)
    assert _text([*parse(_text([*a, *b])), *c]) == _text([*a, *parse(_text([*b, *c]))])
    assert parse(_text(a)) == sorted(
        merge(a).records.values(),
        key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
    )


@settings(max_examples=20)
@given(EXPORTS, EXPORTS)
def test_export_import_round_trip_through_the_database(a, b) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        first, second, third = folder / "1.db", folder / "2.db", folder / "3.db"
        write_records(first, merge(a).records.values())
        exported = export_text(first)
        assert exported == _text(a)  # the database keeps every field as exported
        (folder / "a.jsonl").write_text(exported, encoding="utf-8")
        (folder / "b.jsonl").write_text(_text(b), encoding="utf-8")
        import_file(second, folder / "a.jsonl")
        assert export_text(second) == exported  # export → import into empty → export: identical
        assert import_file(second, folder / "a.jsonl").added == 0  # idempotent
        assert export_text(second) == exported
        import_file(second, folder / "b.jsonl")
        import_file(third, folder / "b.jsonl")
        import_file(third, folder / "a.jsonl")
        assert export_text(second) == export_text(third) == _text([*a, *b])  # either order
    finally:
        shutil.rmtree(folder)


def test_a_post_known_as_two_articles_keeps_the_newer_and_reports_it(tmp_path: Path) -> None:
    base = {
        "type": "article",
        "appid": "wx1",
        "backend": "media",
        "source_path": "p.md",
        "content_hash": "",
        "status": "submitted",
        "url": None,
        "title": "P",
        "created_at": "2026-01-01T00:00:00+00:00",
        "submitted_at": None,
        "published_at": None,
        "source_hash": "",
        "post_key": "",
        "publish_id": "",
        "article_id": "",
    }
    write_records(
        tmp_path / "s.db", [{**base, "media_id": "OLD", "updated_at": "2026-01-01T00:00:00+00:00"}]
    )
    (tmp_path / "x.jsonl").write_text(
        render([{**base, "media_id": "NEW", "updated_at": "2026-02-01T00:00:00+00:00"}]),
        encoding="utf-8",
    )
    result = mdwx(
        "state", "import", "x.jsonl", "s.db", "--json", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["added"] == 1
    assert (
        report["conflicts"]
        and "OLD" in report["conflicts"][0]
        and "kept NEW" in report["conflicts"][0]
    )
    assert '"media_id":"NEW"' in export_text(tmp_path / "s.db")


def test_a_damaged_export_is_refused_naming_its_line(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text(
        '{"format":"mdwx-state","version":1}\n<<<<<<< HEAD\n', encoding="utf-8"
    )
    result = mdwx("state", "import", "x.jsonl", "s.db", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert (
        result.returncode != 0 and "x.jsonl:2" in result.stderr and "Traceback" not in result.stderr
    )


def test_a_fresh_run_with_only_the_export_never_publishes_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_post(site / "p.md", title="Once")
    (site / "mdwx.toml").write_text('state_file = ".mdwx/state.jsonl"\n', encoding="utf-8")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        first = mdwx("publish", "p.md", "--wait", cwd=site, env=env)
        assert first.returncode == 0, first.stderr
        export = site / ".mdwx" / "state.jsonl"
        assert export.is_file() and "state exported" in first.stderr
        tokens = [row[0] for row in sb.store._db.execute("SELECT token FROM tokens")]
        sent = len(sb.requests)
        # A fresh runner: the database is gone, only the committed export is there.
        kept = export.read_text(encoding="utf-8")
        shutil.rmtree(site / ".mdwx")
        export.parent.mkdir()
        export.write_text(kept, encoding="utf-8")
        second = mdwx("publish", "p.md", "--wait", cwd=site, env=env)
        assert second.returncode == 0, second.stderr
        assert count(sb, "publish/uploadnews") == 1 and count(sb, "media/uploadimg") <= 1
        assert count(sb, "publish/submit") == 1
        assert not [
            r
            for r in sb.requests[sent:]
            if r.endpoint.startswith(("publish/upload", "media/", "material/"))
        ]

    def articles(text: str) -> list[tuple[str, str]]:
        return [(r["source_path"], r["media_id"]) for r in parse(text) if r["type"] == "article"]

    assert (
        articles(export.read_text(encoding="utf-8")) == articles(kept) and len(articles(kept)) == 1
    )
    for secret in [sb.secret, *tokens]:
        assert secret not in kept


def test_state_file_must_stay_inside_the_site_and_mdwx_theme_overrides(
    tmp_path: Path, monkeypatch
) -> None:
    import pytest

    from mdwx.cli.main import options_from_env
    from mdwx.errors import ConfigError
    from mdwx.publish.sources import with_overrides
    from mdwx.source.posts import Post
    from mdwx.source.site import load_config

    for bad in ('"/etc/state.jsonl"', '"../elsewhere.jsonl"', '""'):
        (tmp_path / "mdwx.toml").write_text(f"state_file = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="state_file must be a path inside the site"):
            load_config(tmp_path)
    (tmp_path / "mdwx.toml").write_text(
        'state_file = ".mdwx/state.jsonl"\ntheme = "default"\n', encoding="utf-8"
    )
    config = load_config(tmp_path)
    assert config.state_export_path == tmp_path.resolve() / ".mdwx" / "state.jsonl"
    assert (
        config.state_path == tmp_path.resolve() / ".mdwx" / "state.db"
    )  # the database is not the export
    monkeypatch.setenv("MDWX_THEME", "github")
    post = with_overrides(Post(tmp_path / "p.md", config), options_from_env())
    assert post.config.theme == "github"
