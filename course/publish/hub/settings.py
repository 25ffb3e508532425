"""What an instructor decides about their hub, in one place: ``PREFIX/etc/hub.json``.

``course hub install`` (or ``course hub config``) writes these settings and renders
``jupyterhub_config.py`` from them (:mod:`course.publish.hub.config`); ``course hub start``,
``course hub-link`` and ``course collect`` read them back, so the lesson links, the
folder students' work is collected from and the hub's own configuration always agree.

Examples
--------
>>> s = HubSettings(prefix=Path("/opt/alliances-course-hub"), repo="https://example.org/s.git")
>>> s.venv.name, s.course.name, s.state.name
('venv', 'course', 'state')
>>> HubSettings.from_json(s.to_json()) == s
True
>>> s.replace(port=9000).port
9000
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import InputError

#: Where ``course hub install`` puts the hub: a world-readable prefix outside any home.
DEFAULT_PREFIX = Path("/opt/alliances-course-hub")
#: The folder nbgitpuller makes in each student's home (the links' ``targetpath``).
DEFAULT_FOLDER = "alliances-course"
#: The Unix group every student account belongs to (who may log in; whose work is collected).
DEFAULT_GROUP = "alliances-class"
#: The authenticators the generated configuration knows (see course.publish.hub.config).
AUTH_KINDS = ("pam", "lti13", "oauth", "test")

_USERNAME = re.compile(r"^[a-z_][a-z0-9_-]*[$]?$")
_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class HubSettings:
    """A hub for one class on one machine (see ``course hub install --help``)."""

    prefix: Path = DEFAULT_PREFIX
    #: Where students' browsers reach the hub, used in links (``https://hub.example.edu``).
    public_url: str = "http://localhost:8000"
    ip: str = ""  # the hub's public address to listen on ("" = every interface)
    port: int = 8000
    hub_port: int = 8081  # the hub's internal API (loopback only)
    proxy_api_port: int = 8001  # configurable-http-proxy's REST API (loopback only)
    #: The students' repository (the published student edition) and its branch.
    repo: str = ""
    branch: str = "main"
    folder: str = DEFAULT_FOLDER
    group: str = DEFAULT_GROUP
    admins: tuple[str, ...] = ()
    auth: str = "pam"
    #: Options of the chosen authenticator (see course.publish.hub.config.AUTH_OPTIONS).
    auth_options: dict = field(default_factory=dict, compare=True, hash=False)
    #: For ``auth="test"``: who may log in (any password). Never for a real class.
    test_users: tuple[str, ...] = ()
    idle_timeout: int = 3600  # seconds before an idle student's server is stopped
    start_timeout: int = 120  # seconds a server may take to start (kernels load pandas)
    ssl_cert: str = ""
    ssl_key: str = ""
    #: The hub's database and secrets; default ``PREFIX/state`` (tests use their own).
    state_dir: str = ""

    # -- where things are inside the prefix ------------------------------------------
    @property
    def venv(self) -> Path:
        """The Python environment of the hub and of every student's server."""
        return self.prefix / "venv"

    @property
    def course(self) -> Path:
        """The student edition the servers import ``course`` from (world-readable)."""
        return self.prefix / "course"

    @property
    def proxy_command(self) -> Path:
        return self.prefix / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def etc(self) -> Path:
        return self.prefix / "etc"

    @property
    def state(self) -> Path:
        """The hub's database, cookie secret and logs (root only)."""
        return Path(self.state_dir) if self.state_dir else self.prefix / "state"

    @property
    def config_file(self) -> Path:
        return self.etc / "jupyterhub_config.py"

    @property
    def settings_file(self) -> Path:
        return self.etc / "hub.json"

    # -- checks and (de)serialisation -------------------------------------------------
    def check(self) -> HubSettings:
        """These settings, or an :class:`InputError` saying what to fix."""
        if self.auth not in AUTH_KINDS:
            raise InputError(f"unknown --auth {self.auth!r}: choose one of {', '.join(AUTH_KINDS)}")
        if not self.prefix.is_absolute():
            raise InputError(f"--prefix must be an absolute path, not {self.prefix}")
        if not _FOLDER.match(self.folder):
            raise InputError(f"--folder {self.folder!r}: use letters, digits, '.', '_' or '-'")
        for name in (*self.admins, *self.test_users):
            if not _USERNAME.match(name):
                raise InputError(f"{name!r} is not a Unix user name (lower-case letters, "
                                 "digits, '_' and '-', starting with a letter)")
        if not _USERNAME.match(self.group):
            raise InputError(f"--group {self.group!r} is not a Unix group name")
        if self.auth == "test":
            if self.ip not in ("127.0.0.1", "localhost", "::1"):
                raise InputError("--auth test lets anyone in with any password: it listens "
                                 "on 127.0.0.1 only (pass --ip 127.0.0.1)")
            if not self.test_users:
                raise InputError("--auth test needs the users who may log in (--test-users)")
        if not self.public_url.startswith(("http://", "https://")):
            raise InputError(f"--public-url must start with https:// (or http://), "
                             f"not {self.public_url!r}")
        if bool(self.ssl_cert) != bool(self.ssl_key):
            raise InputError("give both --ssl-cert and --ssl-key, or neither")
        return self

    def replace(self, **changes) -> HubSettings:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["prefix"] = str(self.prefix)
        data["admins"], data["test_users"] = list(self.admins), list(self.test_users)
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> HubSettings:
        data = json.loads(text)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"hub settings: unknown keys {', '.join(unknown)}")
        data["prefix"] = Path(data.get("prefix", DEFAULT_PREFIX))
        data["admins"] = tuple(data.get("admins", ()))
        data["test_users"] = tuple(data.get("test_users", ()))
        return cls(**data)


def default_prefix() -> Path:
    """``COURSE_HUB_PREFIX`` when set, else :data:`DEFAULT_PREFIX`: where the ``course
    hub`` commands (and the hub tests) find the installed hub."""
    return Path(os.environ.get("COURSE_HUB_PREFIX") or DEFAULT_PREFIX)


def load(prefix: Path | str = DEFAULT_PREFIX) -> HubSettings:
    """The settings ``course hub install`` wrote under ``prefix``."""
    path = Path(prefix) / "etc" / "hub.json"
    try:
        return HubSettings.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no hub is installed at {prefix} ({path} not found): run "
                         "`course hub install` first, or pass --prefix") from None
    except (ValueError, TypeError) as error:
        raise InputError(f"{path} is not valid hub settings: {error}") from None
