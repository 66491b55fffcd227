"""What people expect of a command line: help with examples on every command, a
reference that matches --help, shell completion, --quiet/--verbose, colour only
on a terminal (NO_COLOR honoured), and a start-up that imports only what it uses."""

from __future__ import annotations

import importlib.util
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgmodel.cli import LAZY_COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXISTING = sorted(name for name, target in LAZY_COMMANDS.items()
                  if importlib.util.find_spec(target.split(":")[0]) is not None)


def run(*args: str, env: dict[str, str] | None = None, extra: list[str] = ()) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, *extra, "-m", "orgmodel", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env)


def run_in_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Output of the command with stdout and stderr on a pseudo-terminal."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")}
    full_env.update({"TERM": "xterm-256color", "COLUMNS": "100"}, **(env or {}))
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "orgmodel", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=ROOT, env=full_env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", errors="replace")


# ---------------------------------------------------------------- help and reference


def test_the_commands_in_lazy_commands_are_installed():
    assert {"check", "log", "show", "history", "schema", "export"} <= set(EXISTING)


@pytest.mark.parametrize("name", EXISTING)
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"], prog_name="orgmodel", terminal_width=100)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: orgmodel {name} ")
    assert re.search(r"^  Examples?:$", result.output, re.M), f"{name} --help has no example"
    assert re.search(rf"^    orgmodel {re.escape(name)}\b", result.output, re.M), f"{name}: example does not run it"
    same = CliRunner().invoke(cli, [name, "-h"], prog_name="orgmodel", terminal_width=100)
    assert same.output == result.output


def test_group_help_lists_every_command_and_the_shared_options():
    result = CliRunner().invoke(cli, ["--help"], prog_name="orgmodel")
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1]
    assert sorted(re.findall(r"^  (\S+)  ", commands, re.M)) == EXISTING
    for option in ("--quiet", "--verbose", "--data", "--version"):
        assert option in result.output


def test_cli_reference_is_generated_from_help():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    expected = gen.render()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is out of date: run python scripts/gen_cli_docs.py"
    for name in EXISTING:
        assert f"\n## orgmodel {name}\n" in current


# ---------------------------------------------------------------- completion


def test_bash_completion_script_and_completions():
    script = run(env={"_ORGMODEL_COMPLETE": "bash_source"})
    assert script.returncode == 0
    assert "_orgmodel_completion()" in script.stdout
    assert "complete -o nosort -F _orgmodel_completion orgmodel" in script.stdout
    words = run(env={"_ORGMODEL_COMPLETE": "bash_complete", "COMP_WORDS": "orgmodel ex", "COMP_CWORD": "1"})
    assert words.stdout.split() == [f"plain,{name}" for name in EXISTING if name.startswith("ex")]
    options = run(env={"_ORGMODEL_COMPLETE": "bash_complete", "COMP_WORDS": "orgmodel export --format m",
                       "COMP_CWORD": "3"})
    assert options.stdout.split() == ["plain,mermaid"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_other_shells_get_a_script(shell):
    script = run(env={"_ORGMODEL_COMPLETE": f"{shell}_source"})
    assert script.returncode == 0 and "_ORGMODEL_COMPLETE" in script.stdout


# ---------------------------------------------------------------- quiet, verbose, colour


def test_quiet_silences_the_success_message():
    loud, quiet = run("check"), run("--quiet", "check")
    assert loud.returncode == quiet.returncode == 0
    assert loud.stdout.startswith("ok: ")
    assert quiet.stdout == "" and quiet.stderr == ""


PIPED = [("diff", "latest"), ("show", "latest"), ("log",), ("history", "Sihan"), ("check",), ("show", "no-such")]


@pytest.mark.parametrize("args", PIPED, ids=" ".join)
def test_no_ansi_escapes_when_piped(args):
    proc = run(*args)
    assert not ANSI.search(proc.stdout) and not ANSI.search(proc.stderr)
    assert proc.stdout or proc.stderr


def test_colour_on_a_terminal_unless_no_color():
    coloured = run_in_terminal("diff", "latest")
    assert ANSI.search(coloured), "diff on a terminal should use colour"
    plain = run_in_terminal("diff", "latest", env={"NO_COLOR": "1"})
    assert not ANSI.search(plain)
    assert ANSI.sub("", coloured) == plain


# ---------------------------------------------------------------- start-up


def imported_modules(*args: str) -> set[str]:
    proc = run(*args, extra=["-X", "importtime"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def test_help_imports_no_heavy_package():
    modules = imported_modules("--help")
    assert "click" in modules
    heavy = {m for m in modules if m.split(".")[0] in {"networkx", "pydantic", "graphviz", "rich", "yaml"}}
    assert heavy == set()


def test_log_imports_only_what_it_uses():
    modules = imported_modules("log")
    assert "orgmodel.load" in modules
    unused = {m for m in modules if m.split(".")[0] in {"networkx", "graphviz", "rich", "igraph", "sphinx"}}
    assert unused == set()


# ---------------------------------------------------------------- pre-commit hook


def test_pre_commit_hook_runs_check_on_the_data(tmp_path):
    import shutil

    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "orgmodel-check" and hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("data/announcements/2024-11-21-x.yaml") and files.search("data/sources/a.txt")
    assert files.search("registry.yml") and not files.search("orgmodel/cli/core.py")
    # What pre-commit runs: the entry, then the hook's args (here the data folder).
    data = tmp_path / "data"
    shutil.copytree(ROOT / "seeds", data)
    entry = hook["entry"].split()
    assert entry[0] == "orgmodel"
    good = run(*entry[1:], str(data))
    assert good.returncode == 0, good.stderr
    announcement = data / "announcements" / "2024-11-21-ecommerce-business-group.yaml"
    text = announcement.read_text(encoding="utf-8")
    quote = re.search(r'quote: "([^"]{12,})"', text).group(1)
    announcement.write_text(text.replace(quote, quote[:6] + " not in the source " + quote[6:], 1), encoding="utf-8")
    bad = run(*entry[1:], str(data))
    assert bad.returncode == 2 and "2024-11-21-ecommerce-business-group.yaml:" in bad.stderr
