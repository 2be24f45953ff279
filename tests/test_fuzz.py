"""The fuzz targets of ``fuzz/fuzz_readers.py``: each works, and a short atheris run finds no crash.

The long runs are ``make fuzz`` (``FUZZ_SECONDS`` per target); here every target is first called
in this process on its seeds and on random bytes, then all of them are fuzzed together by
libFuzzer for a few seconds, as a CI run can afford. Inputs that crashed a target once are kept
in ``fuzz/regressions/`` and replayed.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "fuzz" / "fuzz_readers.py"
sys.path.insert(0, str(SCRIPT.parent))

atheris = pytest.importorskip("atheris", reason="atheris is in requirements/dev.txt")

import fuzz_readers  # noqa: E402 - the path is set just above

#: Seconds of libFuzzer over all targets at once (one start-up of about 5 s comes on top).
CI_SECONDS = 15


@pytest.fixture(scope="module")
def targets() -> dict[str, object]:
    return fuzz_readers._targets()


@pytest.mark.parametrize("name", [*fuzz_readers.TARGETS, fuzz_readers.ALL])
def test_target_takes_its_seeds_and_random_bytes(name: str, targets: dict[str, object]) -> None:
    """Each target runs, and on these inputs lets nothing through but ``InputError``."""
    function = targets[name]
    rnd = random.Random(name)
    inputs = fuzz_readers.seeds(name) + [rnd.randbytes(rnd.randint(0, 600)) for _ in range(60)]
    for data in inputs:
        function(data)  # type: ignore[operator]


REGRESSIONS = sorted(p for p in (ROOT / "fuzz" / "regressions").iterdir() if "--" in p.name)


def test_regression_inputs_are_kept() -> None:
    assert {p.name.split("--")[0] for p in REGRESSIONS} >= {"text", "feed", "warc", "jsonl"}


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_former_crash_inputs(path: Path, targets: dict[str, object]) -> None:
    """Each input that once crashed its target (fuzz/regressions/README.md says how)."""
    targets[path.name.split("--")[0]](path.read_bytes())  # type: ignore[operator]


@pytest.mark.slow
def test_short_fuzzing_run_finds_no_crash(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, seed in enumerate(fuzz_readers.seeds(fuzz_readers.ALL)):
        (corpus / f"seed-{n}").write_bytes(seed)
    artifacts = tmp_path / "crashes"
    artifacts.mkdir()
    command = [
        sys.executable,
        str(SCRIPT),
        fuzz_readers.ALL,
        f"-max_total_time={CI_SECONDS}",
        "-seed=20261201",  # the same mutations on every run: a CI failure can be replayed
        "-timeout=20",
        "-rss_limit_mb=2048",
        "-max_len=16384",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        str(corpus),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=CI_SECONDS + 60, check=False
    )
    crashes = sorted(artifacts.iterdir())
    assert done.returncode == 0 and not crashes, (crashes, done.stderr[-4000:])
    assert "stat::number_of_executed_units" in done.stderr  # it did run
