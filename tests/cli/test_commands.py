"""The ``course`` command line: one module per command, each listed, each with its help.

What each command does is tested with the room it drives (``tests/grading/run/
test_grade.py`` runs ``course grade``, ``tests/publish/test_release.py`` runs ``course
release``...); here, that the table of commands and the modules of ``course/cli`` agree,
that every command and sub-command answers ``--help``, and that ``course --help`` loads
no command.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from course.cli import COMMANDS, main
from course.paths import PROJECT_ROOT

#: Sub-commands of the commands that have them.
SUBCOMMANDS = {"data": ["list", "validate", "build", "fetch"], "release": ["student"],
               "hub": ["install", "start", "config", "image", "k8s-values"]}


def test_every_module_of_the_command_line_is_a_command_and_back():
    modules = {p.stem for p in (PROJECT_ROOT / "course" / "cli").glob("*.py")} - {"__init__"}
    named = {module.rsplit(".", 1)[1] for module, _ in COMMANDS.values()}
    assert named == modules
    assert {name.replace("-", "_") for name in COMMANDS} == modules
    for module, _ in COMMANDS.values():
        loaded = importlib.import_module(module)
        assert callable(loaded.add_arguments) and callable(loaded.run), module


def test_course_help_lists_every_command_and_loads_none(capsys):
    assert main([]) == 0
    shown = capsys.readouterr().out
    for name, (_, help_text) in COMMANDS.items():
        assert name in shown and help_text.split()[0] in shown
    probe = ("import sys\nfrom course.cli import build_parser\n"
             "build_parser(['--help']).format_help()\n"
             "print(sorted(m for m in sys.modules if m.startswith('course.cli.')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr


@pytest.mark.parametrize("command", [[name] for name in COMMANDS]
                         + [[name, sub] for name, subs in SUBCOMMANDS.items() for sub in subs],
                         ids=lambda words: " ".join(words))
def test_every_command_answers_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: course {' '.join(command)}")


def test_python_m_course_is_the_same_command():
    run = subprocess.run([sys.executable, "-m", "course", "release", "--help"],
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("usage: course release")


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as done:
        main(["grades"])
    assert done.value.code == 2
    assert "invalid choice: 'grades'" in capsys.readouterr().err
