"""``course lab``: JupyterLab with the course's settings, at the first lesson.

See :mod:`course.publish.lab`. Options after ``--`` go to JupyterLab::

    course lab -- --no-browser --port=8890
"""

from __future__ import annotations

import argparse
import subprocess

from course.paths import PROJECT_ROOT
from course.publish.lab import CONFIG_DIR, lab_command, lab_environment


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("jupyter_args", nargs=argparse.REMAINDER,
                        help="further options for jupyter lab, after --: "
                             "course lab -- --no-browser --port=8890")


def run(args: argparse.Namespace) -> int:
    print(f"Starting JupyterLab with the course's settings ({CONFIG_DIR}); "
          "stop it with Ctrl+C twice.", flush=True)
    try:
        return subprocess.call(lab_command(args.jupyter_args), env=lab_environment(),
                               cwd=PROJECT_ROOT)
    except KeyboardInterrupt:
        return 0
