"""The account calls through ``mdwx.api``: typed results, the in-process sandbox, and the
msg_data_id column a state migration adds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mdwx import api
from mdwx.publish.state.store import State


def test_account_calls_return_typed_results(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    options = api.Options(sandbox=True, sandbox_port=0)
    report = api.doctor(tmp_path, options)
    assert isinstance(report, api.DoctorReport) and report.ok
    assert isinstance(report.check("credentials"), api.DoctorCheck)
    listing = api.account_list(tmp_path, options)
    assert isinstance(listing, api.AccountListing) and listing.to_json() == {
        "items": [],
        "totals": {"drafts": 0, "published": 0, "sent": 0},
        "notes": [],
    }
    assert isinstance(api.reconcile(tmp_path, options), api.ReconcileReport)
    assert api.materials(tmp_path, options).to_json()["caps"]["image"] == 100_000
    assert isinstance(api.stats(tmp_path, options), api.StatsReport)


def test_an_older_state_gains_the_msg_data_id_column(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    State.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE articles DROP COLUMN msg_data_id")  # as schema 4 left it
    conn.execute("DROP TABLE mass_sends")
    conn.execute("DROP TABLE previews")
    conn.execute("DROP TABLE post_inputs")
    conn.execute("ALTER TABLE articles DROP COLUMN bundle")
    conn.execute("ALTER TABLE articles DROP COLUMN bundle_index")
    conn.execute("DROP TABLE side_drafts")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with State.open(path) as state:
        columns = {r[1] for r in state._conn.execute("PRAGMA table_info(articles)")}
    assert "msg_data_id" in columns


def test_sent_articles_include_a_mass_send_record_when_the_state_has_one(tmp_path: Path) -> None:
    with State.open(tmp_path / "state.db") as state:
        for appid, clientmsgid, source, msg_id, msg_data_id in (
            ("wx1", "c1", "p.md", "1", "2247"),
            ("wx2", "c2", "q.md", "2", "9"),
            ("wx1", "c3", "r.md", "3", ""),
        ):
            state.begin_mass_send(appid, clientmsgid, "m" + msg_id, "all", (source,))
            state.record_mass_sent(appid, clientmsgid, msg_id, msg_data_id)
        sent = state.sent_articles("wx1")
    assert [(a.source_path, a.msg_data_id, a.backend) for a in sent] == [("p.md", "2247", "mass")]
