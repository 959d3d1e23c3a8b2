"""--dry-run says what the run does: the same steps, the same counts, the same exit code.

Each scenario runs as a dry run and then for real from the same state; the dry run's
planned steps must equal the steps the real run took, its upload counts what the real run
uploaded, and a refusal must show up in both. A hypothesis test drives random sequences of
edits and publish options through the same comparison.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backend_helpers import APIS, Api
from tests.cli_helpers import mdwx, sandbox_env, write_post
from tests.publish_helpers import endpoints, publish, sandbox


def compare(post: Path, sb, **options: bool | str) -> list[str]:
    """Dry run then real run of ``post``; returns the steps taken."""
    before = len(sb.requests)
    planned = publish([post], sb, dry_run=True, **options)[0]
    assert len(sb.requests) == before, "a dry run sent a request"
    taken = publish([post], sb, wait=True, **options)[0]
    assert planned.steps == taken.steps, (options, planned.actions, taken.actions)
    assert planned.uploads == taken.uploads, (options, planned.actions)
    assert (planned.error is None) == (taken.error is None), (planned.error, taken.error)

    def kept(result):  # the on_submitted_change = "warn" warning, naming the next command
        return [w for w in result.warnings if "changed after its article was submitted" in w]

    assert kept(planned) == kept(taken)
    assert bool(kept(taken)) == (taken.steps == ["keep"])
    assert all("mdwx publish " in w and "--force" in w for w in kept(taken))
    if planned.error:
        assert str(planned.error) == str(taken.error)
    return taken.steps


def test_each_scenario_dry_run_then_real(tmp_path: Path, api: Api) -> None:
    post = write_post(tmp_path / "site" / "posts" / "p.md")
    (tmp_path / "site" / "mdwx.toml").write_text(f'backend = "{api.name}"\n', encoding="utf-8")
    with sandbox() as sb:
        # new, then unchanged
        steps = compare(post, sb)
        assert steps[0].startswith("upload cover pic.png (") and steps[-2:] == [
            "uploadnews",
            "submit",
        ]
        assert compare(post, sb) == ["unchanged"]
        # changed after submit: kept with a warning by default (nothing sent), refused with
        # on_submitted_change = "error", a new article with --force
        write_post(post, body="Edited once.")
        sent = len(endpoints(sb))
        assert compare(post, sb) == ["keep"]
        (tmp_path / "site" / "mdwx.toml").write_text(
            f'backend = "{api.name}"\non_submitted_change = "error"\n', encoding="utf-8"
        )
        assert compare(post, sb) == ["refuse"]
        assert len(endpoints(sb)) == sent
        steps = compare(post, sb, force=True)
        assert steps[0].startswith("supersede ") and steps[1:] == ["uploadnews", "submit"]
        # --draft on a new post, then changed before submit: updated in place, then submitted
        other = write_post(tmp_path / "site" / "posts" / "q.md", title="Other")
        assert compare(other, sb, draft=True) == ["uploadnews"]
        write_post(other, title="Other", body="Edited before submitting.")
        assert compare(other, sb, draft=True) == ["update"]
        assert compare(other, sb) == ["unchanged", "submit"]
        # draft: true in the front matter
        skipped = write_post(tmp_path / "site" / "posts" / "r.md", extra="draft: true\n")
        assert compare(skipped, sb) == []
        assert len(api.created(sb)) == 3


def test_dry_run_exit_codes_match_the_real_run(tmp_path: Path) -> None:
    site = tmp_path / "site"
    post = write_post(site / "p.md")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", str(post), cwd=site, env=env).returncode == 0
        write_post(post, body="Changed after submitting.")
        dry = mdwx("publish", str(post), "--dry-run", cwd=site, env=env)
        real = mdwx("publish", str(post), cwd=site, env=env)
        assert dry.returncode == real.returncode == 0  # on_submitted_change = "warn", the default
        assert (
            "mdwx publish --force p.md" in dry.stderr and "mdwx publish --force p.md" in real.stderr
        )
        (site / "mdwx.toml").write_text('on_submitted_change = "error"\n', encoding="utf-8")
        dry = mdwx("publish", str(post), "--dry-run", cwd=site, env=env)
        real = mdwx("publish", str(post), cwd=site, env=env)
        assert dry.returncode == real.returncode == 1
        assert "already submitted" in dry.stderr and "already submitted" in real.stderr
        dry = mdwx("publish", str(post), "--dry-run", "--force", cwd=site, env=env)
        assert dry.returncode == 0 and "needs --force" not in dry.stderr
        assert "would upload the article" in dry.stderr
        assert "would upload 0 images and 0 videos, 2 reused" in dry.stderr


# edit, new pic, draft, force, on_submitted_change
OPERATION = st.tuples(
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["warn", "error", "republish"]),
)


@settings(max_examples=10)
@given(st.lists(OPERATION, min_size=1, max_size=4), st.sampled_from(list(APIS)))
def test_any_sequence_of_edits_and_options_is_predicted(
    tmp_path_factory, operations, backend
) -> None:
    from tests.publish_helpers import png_bytes

    api = APIS[backend]
    site = tmp_path_factory.mktemp("site")
    (site / "mdwx.toml").write_text(f'backend = "{api.name}"\n', encoding="utf-8")
    post = write_post(site / "p.md")
    with sandbox() as sb:
        for number, (edit, new_picture, draft, force, on_change) in enumerate(operations):
            (site / "mdwx.toml").write_text(
                f'backend = "{api.name}"\non_submitted_change = "{on_change}"\n', encoding="utf-8"
            )
            if edit:
                write_post(post, body=f"Edit number {number}.")
            if new_picture:
                (site / "pic.png").write_bytes(png_bytes(colour=(number * 40 % 256, 10, 10)))
            compare(post, sb, draft=draft, force=force)
        submits = sum(1 for r in sb.requests if r.endpoint == api.submit and not r.errcode)
        assert submits == api.submissions(sb)
        assert all(r.errcode is None or r.errcode == 0 for r in sb.requests), (
            "mdwx sent a call WeChat refused"
        )
