"""The figures of the hostile-input run: inputs tried, kinds, how each ended, time, peak memory.

Why this exists: ``tests/test_hostile.py`` checks every outcome but prints nothing; a closing
note needs the numbers. This script makes the very same inputs (``tests/hostile_inputs.py``),
runs them the way the test does (``newsledger ingest --json`` with the default limits, in a
child process whose peak RSS is measured), judges each outcome against its expectation, then
runs the time-budget case (a page trafilatura reads in quadratic time, between two good ones)
through ``pipeline.ingest`` and reports that too.

Run from the repository root:

    .venv/bin/python tools/hostile_report.py            # a table; exit 1 if any outcome is wrong
    .venv/bin/python tools/hostile_report.py --json     # the same figures as JSON

Nothing is left behind unless ``--keep DIR`` is given (the 500 MB input is a sparse file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_inputs import (  # noqa: E402 - found through the path set just above
    article,
    html_page,
    judge,
    make_inputs,
    restore_permissions,
    run_measured,
    slow_page,
)

#: The budget of the time-budget case, and the spans of its slow page (about 7 s unbudgeted).
BUDGET_SECONDS = 1.0
SLOW_SPANS = 20_000


def hostile_batch(root: Path) -> dict[str, Any]:
    """Ingest the hostile set through the CLI and judge every outcome."""
    inputs = make_inputs(root / "hostile")
    try:
        db = root / "hostile.db"
        command = [sys.executable, "-m", "newsledger.cli", "ingest", "--db", str(db), "--json"]
        command += ["--workers", "1", "--", *inputs.arguments()]
        rc, out, err, seconds, peak = run_measured(command, timeout=600)
    finally:
        restore_permissions(inputs)
    if "Traceback" in err or not out.strip():
        raise SystemExit(f"the CLI crashed (exit {rc}):\n{err[-4000:]}")
    report = json.loads(out)
    from newsledger.store import Store

    store = Store(str(db))
    documents = [(d.path, d.body) for d in store.documents()]
    store.close()
    outcomes, general = judge(inputs, report["failures"], documents)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for outcome in outcomes:
        by_kind.setdefault(outcome.case.kind, []).append(
            {
                "input": Path(outcome.case.path).name,
                "expected": outcome.case.expect,
                "ended": outcome.summary(),
                "problems": outcome.problems,
            }
        )
    endings = Counter(_ending(o.stored, o.codes) for o in outcomes)
    return {
        "inputs": len(outcomes),
        "hostile_inputs": sum(1 for o in outcomes if o.case.kind != "good"),
        "hostile_kinds": len(set(by_kind) - {"good"}),
        "endings": dict(sorted(endings.items())),
        "failure_codes": dict(sorted(Counter(f["code"] for f in report["failures"]).items())),
        "documents_stored": report["ingested"],
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak / 1024**2),
        "exit_code": rc,
        "problems": general + [p for o in outcomes for p in o.problems],
        "by_kind": by_kind,
    }


def _ending(stored: int, codes: list[str]) -> str:
    if stored and codes:
        return "stored in part, the rest reported"
    if stored:
        return "stored"
    return "reported as a failure" if codes else "neither (a problem)"


def budget_case(root: Path) -> dict[str, Any]:
    """A slow page between two good ones, read by ``pipeline.ingest`` under a budget."""
    folder = root / "budget"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(article(900), encoding="utf-8")
    (folder / "b-slow.html").write_text(slow_page(SLOW_SPANS), encoding="utf-8")
    (folder / "c.html").write_text(html_page(article(901), "After the slow one"), encoding="utf-8")
    command = [sys.executable, str(Path(__file__).resolve()), "--budget-child", str(folder)]
    rc, out, err, seconds, peak = run_measured(command, timeout=300)
    if rc != 0:
        raise SystemExit(f"the budget case failed (exit {rc}):\n{err[-4000:]}")
    result: dict[str, Any] = json.loads(out)
    result.update(seconds=round(seconds, 1), peak_rss_mib=round(peak / 1024**2))
    slow = str(folder / "b-slow.html")
    result["problems"] = (
        []
        if result["failures"] == [[slow, "E022"]] and result["ingested"] == 2
        else ["the slow page was not stopped alone"]
    )
    return result


def _budget_child(folder: str) -> None:
    """Runs in the child: the three inputs through the pipeline, with real extraction."""
    from newsledger import pipeline
    from newsledger.config import Limits
    from newsledger.ingest import expand
    from newsledger.store import Store

    store = Store(str(Path(folder).parent / "budget.db"))
    limits = Limits(document_seconds=BUDGET_SECONDS)
    report = pipeline.ingest(store, expand([folder]), limits, workers=1)
    store.close()
    failures = [[f.input, f.code] for f in report.failures]
    found = {"budget_s": BUDGET_SECONDS, "ingested": report.ingested, "failures": failures}
    print(json.dumps(found))


def _print(figures: dict[str, Any]) -> None:
    batch, case = figures["hostile_batch"], figures["budget_case"]
    print(
        f"Hostile batch through the CLI: {batch['inputs']} inputs, {batch['hostile_inputs']} of "
        f"them hostile or broken, of {batch['hostile_kinds']} kinds (the rest good articles)"
    )
    for kind, rows in sorted(batch["by_kind"].items()):
        print(f"  {kind}")
        for row in rows:
            flag = "  <-- " + "; ".join(row["problems"]) if row["problems"] else ""
            print(f"    {row['input']!r:44} {row['ended']}{flag}")
    print("  endings: " + ", ".join(f"{n} {how}" for how, n in batch["endings"].items()))
    print("  failure codes: " + ", ".join(f"{c} x{n}" for c, n in batch["failure_codes"].items()))
    print(
        f"  {batch['documents_stored']} documents stored; {batch['seconds']} s wall (spaCy load "
        f"included); peak RSS {batch['peak_rss_mib']} MiB; exit code {batch['exit_code']}"
    )
    print(
        f"Time budget: a {SLOW_SPANS:,}-span page between two good ones, budget "
        f"{case['budget_s']} s: {case['ingested']} stored, failed "
        f"{[(Path(p).name, c) for p, c in case['failures']]}; "
        f"{case['seconds']} s wall, peak RSS {case['peak_rss_mib']} MiB"
    )
    problems = batch["problems"] + case["problems"]
    print("Problems: " + ("none" if not problems else "\n  " + "\n  ".join(problems)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="make the inputs here and leave them")
    parser.add_argument("--budget-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.budget_child:
        _budget_child(args.budget_child)
        return 0
    root = args.keep or Path(tempfile.mkdtemp(prefix="newsledger-hostile-"))
    try:
        figures = {"hostile_batch": hostile_batch(root), "budget_case": budget_case(root)}
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        _print(figures)
    problems = figures["hostile_batch"]["problems"] + figures["budget_case"]["problems"]
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
