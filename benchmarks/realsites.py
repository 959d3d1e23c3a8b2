"""The real-sites sample, measured: what ``check`` and ``build`` make of 159 posts of 19 sites.

    python benchmarks/realsites.py [--json] [--skip mkdocs-oiwiki]

Each site of ``../shared/realsites`` (beside the repository) is copied to a temporary folder
(with an empty ``.git``, as a clone has) and checked and built from the folder its owner
builds from, as ``tests/test_realsites.py`` does. Printed: posts found against the posts the
sample kept, posts passing, posts refused grouped by the kind of their first error, warnings
per post (each warning once, as ``--json`` lists them) and the run's one-line summaries,
template syntax of the generator left in the visible text of built pages, local pictures the
built pages show against those they name, and titles equal to the generator's own (worked out
by the test module from the generators' documented rules).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mdwx import api  # noqa: E402
from tests import test_realsites as sample  # noqa: E402

_KINDS = [
    ("image not found", "picture not found"),
    ("SVG", "SVG refused"),
    ("title is", "title over 64"),
    ("not a file", "picture reference is not a file"),
    ("formula", "formula"),
    ("invalid YAML", "invalid YAML"),
    ("invalid TOML", "invalid TOML"),
]


def kind(message: str) -> str:
    return next((name for needle, name in _KINDS if needle in message), message[:60])


def measure(name: str, generator: str, root: str, folder: Path) -> dict[str, object]:
    site = folder / name
    shutil.copytree(sample.SHARED / name, site)
    (site / ".git").mkdir()
    base = site / root
    checked = api.check([base]).posts
    built = api.build([base], api.Options(out_dir=folder / f"{name}-out")).posts
    refused = Counter(kind(str(r.error)) for r in checked if r.error is not None)
    left = shown = named = titles = titled = 0
    template = sample.TEMPLATE[generator]
    for report in built:
        if not report.outputs:
            continue
        page = report.outputs[0].read_text("utf-8")
        visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
        as_written = set(template.findall(sample._literal_parts(report.path.read_text("utf-8"))))
        left += sum(1 for found in template.findall(visible) if found not in as_written)
        for src in sample._IMG.findall(page):
            if "://" not in src and not src.startswith(("data:", "//")):
                named += 1
                shown += (report.outputs[0].parent / unquote(html.unescape(src))).is_file()
    for report in checked:
        if report.title is not None:
            titled += 1
            expected = " ".join(sample._generator_title(generator, report.path, site).split())
            titles += report.title == expected
    warnings = sum(len(r.warnings) for r in checked)
    no_cover = sum(1 for r in checked for d in r.diagnostics if d.code == "no-cover")
    return {
        "site": name,
        "kept": sample.KEPT[name]["posts"] - len(sample.NOT_POSTS.get(name, ())),
        "found": len(checked),
        "passing": sum(r.ok for r in checked),
        "refused": dict(refused),
        "warnings": warnings,
        "no_cover": no_cover,
        "left_template": left,
        "pictures_shown": shown,
        "pictures_named": named,
        "titles_equal": titles,
        "titles": titled,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip", nargs="*", default=[], help="site names to leave out")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not sample.SITES:
        print("../shared/realsites is not beside the repository: nothing to measure")
        return 1
    with tempfile.TemporaryDirectory(prefix="mdwx-realsites-") as tmp:
        rows = [
            measure(name, generator, root, Path(tmp))
            for name, generator, root in sample.SITES
            if name not in args.skip
        ]
    total = {
        key: sum(int(row[key]) for row in rows)  # type: ignore[call-overload]
        for key in (
            "kept",
            "found",
            "passing",
            "warnings",
            "no_cover",
            "left_template",
            "pictures_shown",
            "pictures_named",
            "titles_equal",
            "titles",
        )
    }
    refused: Counter[str] = Counter()
    for row in rows:
        refused.update(row["refused"])  # type: ignore[arg-type]
    if args.json:
        json.dump(
            {"sites": rows, "total": total, "refused": dict(refused)},
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
        return 0
    for row in rows:
        print(
            f"{row['site']:<18} found {row['found']:>2}/{row['kept']:<2} passing {row['passing']:>2}  "
            f"warnings {row['warnings']:>3}  left template {row['left_template']}  "
            f"pictures {row['pictures_shown']}/{row['pictures_named']}  titles {row['titles_equal']}/{row['titles']}  "
            f"refused {row['refused'] or '-'}"
        )
    found = max(total["found"], 1)
    print(
        f"\nposts found {total['found']} of {total['kept']}, passing {total['passing']}, "
        f"refused {sum(refused.values())}: "
        + ", ".join(f"{k} {v}" for k, v in refused.most_common())
    )
    print(
        f"warnings per post {total['warnings'] / found:.2f} ({(total['warnings'] - total['no_cover']) / found:.2f} "
        f"besides 'no cover', which a run says once for all: {total['no_cover']} posts); template syntax left in built pages "
        f"{total['left_template']}; local pictures shown {total['pictures_shown']} of "
        f"{total['pictures_named']} named in built pages; titles equal to the generator's "
        f"{total['titles_equal']} of {total['titles']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
