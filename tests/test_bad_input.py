"""Every bad input gets exit status 2 and an error naming the file, line and fix.

The cases live as data in ``tests/bad/cases/*.yaml`` (see ``tests/bad/README.md``):
each is a small edit of the valid folder ``tests/bad/base`` and the exact set
of errors ``orgmodel check`` must print for it. The cases that need real bytes
on disk (a huge file, a sparse file) or another command are written here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BASE, ROOT, cli_env, run_cli, write_dataset

CASES = Path(__file__).resolve().parent / "bad" / "cases"
CASE_FILES = sorted(CASES.glob("*.yaml"))
ERROR_LINE = re.compile(r"^error: (?P<file>[^:]+?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: (?P<rest>.*)$")


def build_case(case: dict[str, Any], root: Path) -> Path:
    """Write the base folder with the case's edits applied."""
    files: dict[str, str | bytes | None] = dict(case.get("files") or {})
    for rel, old, new in case.get("replace") or []:
        text = files.get(rel) if isinstance(files.get(rel), str) else (BASE / rel).read_text(encoding="utf-8")
        assert old in text, f"case edit: {old!r} is not in {rel}"
        files[rel] = text.replace(old, new, 1)
    for rel, extra in (case.get("append") or {}).items():
        text = files.get(rel) if isinstance(files.get(rel), str) else (BASE / rel).read_text(encoding="utf-8")
        files[rel] = text + extra
    for rel, text in (case.get("latin1") or {}).items():
        files[rel] = text.encode("latin-1")
    return write_dataset(root, files)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def assert_clean_failure(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert error_lines(proc.stderr), proc.stderr


def assert_errors(stderr: str, expected: list[dict[str, Any]]) -> None:
    """Each expected error is printed once at its place; nothing else is printed as an error."""
    lines = error_lines(stderr)
    assert len(lines) == len(expected), "\n".join(lines)
    unmatched = list(lines)
    for want in expected:
        where = want["at"].split(":")
        says = want["says"] if isinstance(want["says"], list) else [want["says"]]
        for line in unmatched:
            m = ERROR_LINE.match(line)
            if not m or not (m.group("file") == where[0] or m.group("file").endswith("/" + where[0])):
                continue
            if m.group("line") != (where[1] if len(where) > 1 else None):
                continue
            if len(where) > 2 and m.group("col") != where[2]:
                continue
            if all(s in m.group("rest") for s in says):
                unmatched.remove(line)
                break
        else:
            raise AssertionError(f"no error at {want['at']} saying {says}; got:\n" + "\n".join(lines))


@pytest.fixture(scope="module")
def base_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid base folder in a temporary place (runs leave a parse cache beside their data)."""
    return write_dataset(tmp_path_factory.mktemp("base") / "data")


def test_the_base_folder_is_valid(base_copy: Path) -> None:
    proc = run_cli("--data", base_copy, "check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: 2 announcements")


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    """``orgmodel check`` on every case, two at a time (each run is mostly interpreter start-up)."""
    def run(case_file: Path) -> tuple[str, subprocess.CompletedProcess]:
        case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        root = build_case(case, tmp_path_factory.mktemp(case_file.stem) / "data")
        return case_file.stem, run_cli("--data", root, "check", env=case.get("env"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, CASE_FILES))


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_bad_case(case_file: Path, corpus_runs: dict[str, subprocess.CompletedProcess]) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    proc = corpus_runs[case_file.stem]
    assert_clean_failure(proc)
    assert_errors(proc.stderr, case["errors"])
    assert proc.stdout == ""


def test_the_corpus_covers_the_required_cases() -> None:
    names = {p.stem for p in CASE_FILES}
    required = {
        "malformed-yaml", "wrong-type", "unknown-field-typo", "missing-required-field", "unknown-id",
        "duplicate-registry-id", "alias-shared", "reporting-cycle", "reports-to-self", "two-parents-at-once",
        "unit-under-own-descendant", "quote-not-in-source", "missing-source-file", "source-not-utf8",
        "empty-file", "alias-bomb", "impossible-date", "impossible-month", "before-it-exists",
        "after-it-is-dissolved", "same-date-contradiction", "several-independent-errors",
    }
    assert required <= names, sorted(required - names)


# ------------------------------------------------------------------ cases that need real bytes


def test_a_file_over_the_default_limit_is_refused_before_it_is_read(make_dataset) -> None:
    """A 65 MiB file (sparse: it takes no disk) must be refused by its size alone."""
    root = make_dataset()
    with open(root / "sources" / "letter-2025.txt", "r+b") as fh:
        fh.truncate(65 * 1024 * 1024)
    with open(root / "announcements" / "huge.yaml", "wb") as fh:
        fh.truncate(65 * 1024 * 1024)
    proc = run_cli("--data", root, "check")
    assert_clean_failure(proc)
    lines = error_lines(proc.stderr)
    assert len(lines) == 2, lines
    assert any(re.match(r"error: \S*announcements/huge\.yaml: file is 65 MiB, over the 64 MiB limit", l) for l in lines)
    assert any(re.match(r"error: \S*sources\.yaml:9:5: source 'letter-2025': \S*letter-2025\.txt: file is 65 MiB", l)
               for l in lines)


def test_the_size_limit_is_set_by_environment(make_dataset) -> None:
    """A real 2 MiB registry (mostly comments) passes the default limit and fails a 1 MiB one."""
    padding = "".join(f"# filler line {i:06d} " + "x" * 80 + "\n" for i in range(20000))
    root = make_dataset({"registry.yaml": padding + (BASE / "registry.yaml").read_text(encoding="utf-8")})
    size = (root / "registry.yaml").stat().st_size
    assert 1.5 * 2**20 < size < 4 * 2**20
    ok = run_cli("--data", root, "check")
    assert ok.returncode == 0, ok.stderr
    proc = run_cli("--data", root, "check", env={"ORGMODEL_MAX_FILE_MB": "1"})
    assert_clean_failure(proc)
    [line] = error_lines(proc.stderr)
    assert re.match(r"error: \S*registry\.yaml: file is \d\.\d+ MiB, over the 1 MiB limit", line), line
    bad = run_cli("--data", root, "check", env={"ORGMODEL_MAX_FILE_MB": "lots"})
    assert_clean_failure(bad)
    assert "ORGMODEL_MAX_FILE_MB='lots' is not a number" in bad.stderr


# A fresh interpreter runs one command and prints the peak RSS (KiB) of its only child.
_PEAK = ("import resource, subprocess, sys; "
         "p = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding='utf-8', timeout=30); "
         "sys.stderr.write(p.stderr); sys.stdout.write(p.stdout); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def peak_rss(*argv: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``argv`` and return its result and its peak resident memory in KiB."""
    proc = subprocess.run([sys.executable, "-c", _PEAK, *argv], capture_output=True, text=True, encoding="utf-8",
                          env=cli_env(), cwd=ROOT, timeout=60)
    *rest, peak = proc.stderr.rstrip("\n").split("\n")
    proc.stderr = "\n".join(rest) + ("\n" if rest else "")
    return proc, int(peak)


def test_the_memory_meter_sees_a_big_allocation() -> None:
    proc, peak = peak_rss(sys.executable, "-c", "x = bytearray(200 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])")
    assert proc.returncode == 0
    assert peak > 150 * 1024


def test_an_alias_bomb_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    """Billion laughs: nine levels of nine aliases would be 10^9 strings if expanded.

    The command has 30 s (its timeout) and must stay under 500 MB of resident memory.
    """
    case = yaml.safe_load((CASES / "alias-bomb.yaml").read_text(encoding="utf-8"))
    root = build_case(case, tmp_path / "data")
    proc, peak = peak_rss(sys.executable, "-m", "orgmodel", "--data", str(root), "check")
    assert_clean_failure(proc)
    assert "anchors" in proc.stderr
    assert peak < 500 * 1024, f"peak RSS {peak} KiB"


def test_deep_nesting_does_not_crash_the_parser(make_dataset) -> None:
    """50,000 nested brackets crash a recursive YAML composer; here they are one clean error."""
    root = make_dataset({"announcements/deep.yaml": "id: " + "[" * 50000 + "]" * 50000 + "\n"})
    proc = run_cli("--data", root, "check")
    assert_clean_failure(proc)
    assert_errors(proc.stderr, [{"at": "announcements/deep.yaml:1", "says": "nested more than 64 levels deep"}])


# ------------------------------------------------------------------ refs and names


@pytest.mark.parametrize("args, says", [
    (["show", "nosuchref"], "unknown version 'nosuchref'"),
    (["show", "2023-02-30"], "date '2023-02-30' is not a real date"),
    (["show", "1999"], "no version is in force on 1999"),
    (["show", "latest~5"], "'latest~5' goes back 5"),
    (["history", "nobody"], "no person, unit or post is called 'nobody'"),
    (["history", "Ana Ruis"], "did you mean 'Ana Ruiz'?"),
    (["diff", "latest", "nosuchref"], "unknown version 'nosuchref'"),
    (["render", "nosuchref"], "unknown version 'nosuchref'"),
    (["render", "latest", "--focus", "nobody"], "'nobody' is not in snapshot"),
])
def test_refs_and_names_that_do_not_resolve(args: list[str], says: str, base_copy: Path) -> None:
    proc = run_cli("--data", base_copy, *args)
    assert_clean_failure(proc)
    assert says in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_a_missing_data_folder(tmp_path: Path) -> None:
    proc = run_cli("--data", tmp_path / "nowhere", "check")
    assert_clean_failure(proc)
    assert "not found" in proc.stderr


def test_check_never_writes_into_the_data_folder(tmp_path: Path) -> None:
    case = yaml.safe_load((CASES / "several-independent-errors.yaml").read_text(encoding="utf-8"))
    root = build_case(case, tmp_path / "data")
    before = sorted((p.relative_to(root), p.read_bytes()) for p in root.rglob("*") if p.is_file())
    run_cli("--data", root, "check")
    after = sorted((p.relative_to(root), p.read_bytes()) for p in root.rglob("*") if p.is_file())
    assert before == after


def test_an_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    """Writing under a path that is a file: a clean error naming the path, not a traceback."""
    blocker = tmp_path / "charts"
    blocker.write_text("not a folder", encoding="utf-8")
    proc = run_cli("--data", write_dataset(tmp_path / "data"), "build", "-o", blocker / "out")
    assert_clean_failure(proc)
    assert str(blocker) in proc.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_sources_that_are_not_regular_files(make_dataset) -> None:
    """A pipe would block a reader forever, a symbolic link to /dev/zero would never end."""
    root = make_dataset({"sources/letter-2025.txt": None, "sources/letter-2024.txt": None})
    os.mkfifo(root / "sources" / "letter-2025.txt")
    (root / "sources" / "letter-2024.txt").symlink_to("/dev/zero")
    proc = run_cli("--data", root, "check", timeout=60)
    assert_clean_failure(proc)
    assert_errors(proc.stderr, [
        {"at": "sources.yaml:9:5", "says": ["source 'letter-2025'", "is not a regular file"]},
        {"at": "sources.yaml:4:5", "says": ["source 'letter-2024'", "is outside the data folder"]},
    ])


@pytest.mark.parametrize("args", [["log"], ["show", "latest"], ["history", "li-wei"], ["render", "latest"],
                                  ["build", "-o", "{out}"]])
def test_every_command_refuses_bad_data_and_writes_nothing(args: list[str], tmp_path: Path) -> None:
    case = yaml.safe_load((CASES / "several-independent-errors.yaml").read_text(encoding="utf-8"))
    root = build_case(case, tmp_path / "data")
    out = tmp_path / "charts"
    proc = run_cli("--data", root, *[a.format(out=out) for a in args])
    assert_clean_failure(proc)
    assert_errors(proc.stderr, case["errors"])
    assert proc.stdout == ""
    assert not out.exists()


def test_byte_order_mark_and_windows_line_ends_are_read_with_the_right_lines(make_dataset) -> None:
    """Files saved by Windows editors (BOM, CRLF) or old Macs (CR) load; errors keep their lines."""
    ann = (BASE / "announcements" / "2025-03-03-platforms.yaml").read_text(encoding="utf-8")
    registry = (BASE / "registry.yaml").read_text(encoding="utf-8")
    crlf = "\ufeff" + ann.replace("\n", "\r\n")
    root = make_dataset({"announcements/2025-03-03-platforms.yaml": crlf, "registry.yaml": registry.replace("\n", "\r")})
    ok = run_cli("--data", root, "check")
    assert ok.returncode == 0, ok.stderr
    broken = crlf.replace("reports_to: tom-berg}", "reprots_to: tom-berg}")
    root = make_dataset({"announcements/2025-03-03-platforms.yaml": broken}, name="broken")
    proc = run_cli("--data", root, "check")
    assert_clean_failure(proc)
    assert_errors(proc.stderr, [{"at": "announcements/2025-03-03-platforms.yaml:9:80", "says": "unknown field 'reprots_to'"}])


def test_hidden_leftovers_in_announcements_are_not_read(make_dataset) -> None:
    """macOS metadata files (binary) and editor files next to the announcements are ignored."""
    root = make_dataset({"announcements/._2025-03-03-platforms.yaml": b"\x00\x05\x16\x07\xff\xfe Mac OS X",
                         "announcements/.2025-03-03-platforms.yaml.swp": b"\xff\xfe"})
    proc = run_cli("--data", root, "check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: 2 announcements")
