"""``course hub``: set up and start the course's JupyterHub on one machine (as root).

Examples::

    sudo .venv/bin/course hub install --public-url https://hub.example.edu \\
        --repo https://github.com/ORG/alliances-course-student --admin teacher
    sudo .venv/bin/course hub start
    sudo .venv/bin/course hub config --auth lti13 --auth-option issuer=... (then restart)
    course hub image --repo https://github.com/ORG/alliances-course-student --name REG/IMG:TAG
    course hub k8s-values --image REG/IMG:TAG --repo ... > values.yaml

``install`` builds the prefix (see :mod:`course.publish.hub.install`) and writes the settings and
``jupyterhub_config.py``; ``config`` changes settings without reinstalling; ``start``
runs JupyterHub in the foreground (Ctrl+C stops it and every student's server).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from course.errors import InputError
from course.publish.hub import kubernetes
from course.publish.hub.install import install, readable_problems, write_settings
from course.publish.hub.settings import (
    AUTH_KINDS,
    DEFAULT_PREFIX,
    HubSettings,
    default_prefix,
    load,
)

#: Flags that set a field of HubSettings: flag -> (field, type)
_FIELDS = {"public_url": str, "ip": str, "port": int, "repo": str, "branch": str,
           "folder": str, "group": str, "auth": str, "idle_timeout": int,
           "start_timeout": int, "ssl_cert": str, "ssl_key": str}


def _settings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prefix", default=str(default_prefix()),
                        help=f"where the hub lives (default {DEFAULT_PREFIX} or "
                        "$COURSE_HUB_PREFIX)")
    parser.add_argument("--public-url", help="the address students use, for links "
                        "(default http://localhost:8000)")
    parser.add_argument("--ip", help="address to listen on (default: every interface)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--repo", help="the students' repository the lesson links pull "
                        "(the published student edition)")
    parser.add_argument("--branch", help="its branch (default main)")
    parser.add_argument("--folder", help="the folder made in each student's home "
                        "(default alliances-course)")
    parser.add_argument("--group", help="the students' Unix group (default alliances-class)")
    parser.add_argument("--admin", action="append", dest="admins", metavar="USER",
                        help="a hub administrator (repeat for several)")
    parser.add_argument("--auth", choices=AUTH_KINDS,
                        help="pam (machine accounts; default), lti13 (LMS launches), "
                        "oauth (university single sign-on), test (127.0.0.1 only)")
    parser.add_argument("--auth-option", action="append", dest="auth_options",
                        metavar="KEY=VALUE", help="an option of the authenticator "
                        "(repeat; `course hub config --auth lti13` says which)")
    parser.add_argument("--test-users", help="with --auth test: comma-separated users")
    parser.add_argument("--idle-timeout", type=int, help="seconds before an idle server "
                        "is stopped (default 3600)")
    parser.add_argument("--start-timeout", type=int, help="seconds a server may take to "
                        "start (default 120)")
    parser.add_argument("--ssl-cert", help="TLS certificate file (with --ssl-key)")
    parser.add_argument("--ssl-key", help="TLS key file")


def settings_from(args: argparse.Namespace, *, start_from_installed: bool) -> HubSettings:
    """Settings from the flags, on top of the installed ones when there are some."""
    prefix = Path(args.prefix)
    base = HubSettings(prefix=prefix)
    if start_from_installed and (prefix / "etc" / "hub.json").exists():
        base = load(prefix)
    changes = {name: getattr(args, name) for name in _FIELDS
               if getattr(args, name, None) is not None}
    if args.admins:
        changes["admins"] = tuple(args.admins)
    if args.test_users:
        changes["test_users"] = tuple(u.strip() for u in args.test_users.split(",") if u.strip())
    if args.auth_options:
        options = {}
        for item in args.auth_options:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise InputError(f"--auth-option {item!r}: write KEY=VALUE")
            options[key.strip()] = value.strip()
        changes["auth_options"] = options
    elif "auth" in changes and changes["auth"] != base.auth:
        changes["auth_options"] = {}
    return base.replace(**changes).check()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    p = sub.add_parser("install", help="build the hub under the prefix (as root)")
    _settings_arguments(p)
    p.add_argument("--edition", help="install this student edition folder instead of "
                   "writing one from this copy of the course")
    p = sub.add_parser("config", help="change the hub's settings and rewrite its "
                       "jupyterhub_config.py (restart the hub afterwards)")
    _settings_arguments(p)
    p.add_argument("--show", action="store_true", help="print the rendered configuration")
    p = sub.add_parser("start", help="run the hub in the foreground (as root)")
    p.add_argument("--prefix", default=str(default_prefix()))
    p = sub.add_parser("image", help="build the students' image for Kubernetes with "
                       "repo2docker (prints the command; --build runs it)")
    p.add_argument("--repo", required=True, help="the students' repository (URL or folder)")
    p.add_argument("--name", required=True, help="image name and tag, e.g. REG/IMG:TAG")
    p.add_argument("--build", action="store_true", help="run repo2docker (needs Docker)")
    p = sub.add_parser("k8s-values", help="print a Zero to JupyterHub values file for "
                       "the course (resources from the measured sizing)")
    p.add_argument("--image", default=kubernetes.PLACEHOLDER_IMAGE,
                   help="the image `course hub image` built, NAME:TAG")
    p.add_argument("--repo", default=kubernetes.PLACEHOLDER_REPO,
                   help="the students' repository")
    p.add_argument("--branch", default="main")


def _start(prefix: Path) -> int:
    settings = load(prefix)
    if os.geteuid() != 0:
        raise InputError("start the hub as root (sudo): it starts each student's server "
                         "as that student's Unix user")
    hub = settings.venv / "bin" / "jupyterhub"
    if not hub.exists():
        raise InputError(f"{hub} not found: run `course hub install --prefix {prefix}`")
    problems = readable_problems([settings.venv, settings.course], limit=3)
    if problems:
        raise InputError("students' servers could not read the course: "
                         + "; ".join(problems) + " (run `course hub install` again)")
    print(f"Starting JupyterHub at {settings.public_url} (listening on "
          f"{settings.ip or '*'}:{settings.port}); stop it with Ctrl+C.", flush=True)
    try:
        return subprocess.call([str(hub), "-f", str(settings.config_file)], cwd=settings.state)
    except KeyboardInterrupt:
        return 0


def run(args: argparse.Namespace) -> int:
    if args.hub_command == "install":
        settings = settings_from(args, start_from_installed=True)
        edition = Path(args.edition).resolve() if args.edition else None
        problems = install(settings, edition=edition)
        if problems:
            print("students' servers cannot read:\n  " + "\n  ".join(problems), file=sys.stderr)
            return 1
        print(f"hub installed in {settings.prefix}; start it with: "
              f"course hub start --prefix {settings.prefix}")
        if not settings.repo:
            print("no --repo yet: publish the student edition and run "
                  "`course hub config --repo URL` before giving students links")
        return 0
    if args.hub_command == "config":
        settings = settings_from(args, start_from_installed=True)
        write_settings(settings)
        if args.show:
            print(settings.config_file.read_text(encoding="utf-8"))
        print(f"wrote {settings.settings_file} and {settings.config_file}; restart the hub "
              "to use them")
        return 0
    if args.hub_command == "start":
        return _start(Path(args.prefix))
    if args.hub_command == "image":
        command = kubernetes.repo2docker_command(args.repo, args.name)
        print(" ".join(command))
        if not args.build:
            return 0
        if not shutil.which(command[0]):
            raise InputError("repo2docker not found: pip install jupyter-repo2docker (the "
                             "hub's environment has it), and Docker")
        return subprocess.call(command)
    if args.hub_command == "k8s-values":
        print(kubernetes.values_yaml(image=args.image, repo=args.repo, branch=args.branch),
              end="")
        return 0
    raise InputError(f"unknown action {args.hub_command}")
