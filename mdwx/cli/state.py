"""``mdwx state check|recover`` (the state database after a crash) and ``mdwx state
export|import`` (the state as a text file a repository commits, for fresh CI runners).

Kept out of :mod:`mdwx.cli.main` so the command module stays small; heavy imports happen inside
the commands so ``mdwx --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mdwx.cli.common import EXIT_FAILED, EXIT_OK, CommandDecorator
from mdwx.cli.printable import json_text
from mdwx.errors import StateError


def state_file(path: Path) -> Path:
    """The state database meant by ``path``: the file itself, or for a folder (or a post) the
    state of the site governing it (``MDWX_STATE``, else ``.mdwx/state.db`` in the site root)."""
    if path.is_dir() or path.suffix.lower() in (".md", ".markdown"):
        from mdwx.cli.common import state_override
        from mdwx.source.site import load_config

        return state_override() or load_config(path).state_path
    return path


def _echo(document: dict[str, object], as_json: bool, lines: list[str]) -> None:
    if as_json:
        click.echo(json_text(document))
    else:
        for line in lines:
            click.echo(line, err=True)


def run_check(path: Path, as_json: bool) -> int:
    """Exit 0 when the state opens and passes SQLite's quick_check; else raise StateError."""
    import sqlite3

    from mdwx.publish.state.recovery import one_line, recover_command, state_tables
    from mdwx.publish.state.store import State

    db = state_file(path)
    if not db.is_file():
        raise StateError(
            "there is no state database here",
            path=db,
            hint="nothing was published from this site yet, or MDWX_STATE points elsewhere",
        )
    State.open(db).close()  # the checks every open makes: header, journal, schema
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        verdict = one_line(str(r[0]) for r in conn.execute("PRAGMA quick_check(3)"))
        rows = {
            t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            for t in state_tables(conn)
        }
    except sqlite3.DatabaseError as exc:  # damage past the pages opening reads
        verdict, rows = str(exc), {}
    finally:
        conn.close()
    if verdict != "ok":
        raise StateError(
            f"the state database is corrupt ({verdict})",
            path=db,
            hint=f"run `{recover_command(db)}`: it keeps a backup and salvages every readable record",
        )
    counts = ", ".join(f"{t}: {n}" for t, n in rows.items())  # rows per table
    _echo({"path": str(db), "ok": True, "rows": rows}, as_json, [f"{db}: ok ({counts})"])
    return EXIT_OK


def run_recover(path: Path, as_json: bool) -> int:
    """Salvage the state into a fresh database; exit 0, or 1 when nothing could be read."""
    from mdwx.publish.state.recovery import recover

    db = state_file(path)
    report = recover(db)
    kept = sum(report.rows.values())
    lines = [
        f"{db}: recovered {kept} records ("
        + ", ".join(f"{n} {t}" for t, n in report.rows.items())
        + ")",
        "  damaged files kept as: " + ", ".join(str(p) for p in report.backup),
    ]
    if report.torn_journal:
        lines.append("  the journal's last, unfinished write was dropped")
    if report.problem != "ok":
        lines.append(f"  SQLite on the damaged file: {report.problem}")
        lines.append(
            "  records that could not be read are forgotten: a post whose record was lost is"
            " uploaded again as a new article, so compare `mdwx status` with the account"
        )
    _echo({**report.to_json(), "recovered": kept}, as_json, lines)
    return EXIT_OK if kept or report.problem == "ok" else EXIT_FAILED


def run_export(path: Path, out: Path | None) -> int:
    """Print the export of the state (or write it to ``out``); exit 0."""
    from mdwx.publish.state.export import export_text, write_export

    db = state_file(path)
    if not db.is_file():
        raise StateError(
            "there is no state database here",
            path=db,
            hint="nothing was published from this site yet, or MDWX_STATE points elsewhere",
        )
    if out is None:
        click.echo(export_text(db), nl=False)
    else:
        written = write_export(db, out)
        click.echo(f"{out}: {'written' if written else 'already up to date'}", err=True)
    return EXIT_OK


def run_import(source: Path, path: Path, as_json: bool) -> int:
    """Merge an export into the state; exit 0 (conflicts are reported, the newer kept)."""
    from mdwx.publish.state.export import import_file

    db = state_file(path)
    report = import_file(db, source)
    lines = [f"{db}: merged {source}: {report.added} record(s) new or newer"]
    lines += [f"  conflict: {c}" for c in report.conflicts]
    _echo({**report.to_json(), "state": str(db)}, as_json, lines)
    return EXIT_OK


def add_state_commands(
    main: click.Group, guard: CommandDecorator, json_option: CommandDecorator
) -> None:
    """Register ``mdwx state check|recover`` on ``main`` (``guard`` turns MdwxError into one
    line and its exit code)."""

    @main.group()
    def state() -> None:
        """Check, recover, export or import the state (what mdwx has sent to WeChat)."""

    path_argument = click.argument(
        "path", required=False, default=Path("."), type=click.Path(path_type=Path)
    )

    @state.command()
    @path_argument
    @json_option
    @guard
    def check(path: Path, as_json: bool) -> None:
        """Check the state database of PATH (a site folder or the state file itself)."""
        sys.exit(run_check(path, as_json))

    @state.command()
    @path_argument
    @json_option
    @guard
    def recover(path: Path, as_json: bool) -> None:
        """Rebuild a damaged state database from every record still readable.

        The damaged files are kept beside it as STATE.damaged-<time>. Run it while no other
        mdwx process uses the state.
        """
        sys.exit(run_recover(path, as_json))

    @state.command("export")
    @path_argument
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        default=None,
        help="Write to this file (atomically; untouched when unchanged). Default: stdout.",
    )
    @guard
    def export_(path: Path, output: Path | None) -> None:
        """Write the state as sorted JSON lines a repository can commit (no secrets, no tokens).

        A fresh runner that imports it (or finds it as state_file in mdwx.toml) never
        publishes a recorded post, picture or video again.
        """
        sys.exit(run_export(path, output))

    @state.command("import")
    @click.argument("source", type=click.Path(path_type=Path))
    @path_argument
    @json_option
    @guard
    def import_(source: Path, path: Path, as_json: bool) -> None:
        """Merge the export SOURCE into the state of PATH (idempotent).

        A record both hold is kept as updated last; a post recorded as two different articles
        keeps the newer and is reported.
        """
        if not source.is_file():  # a mistyped argument: a usage error (exit 2), not a damaged state
            from mdwx.errors import ConfigError

            raise ConfigError(
                "no such state export", path=source, hint="give the file `mdwx state export` wrote"
            )
        sys.exit(run_import(source, path, as_json))
