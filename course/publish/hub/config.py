"""``jupyterhub_config.py`` for a class on one machine, rendered from :class:`HubSettings`.

The multi-user engine is JupyterHub's own: its configurable-http-proxy (from npm) in front,
``LocalProcessSpawner`` starting each student's server as that student's Unix user in their
own home (made private, mode 0700, before every start), nbgitpuller in every server for
the lesson links, and jupyterhub-idle-culler stopping servers left idle. Each server runs
``jupyterhub-singleuser`` from the hub's environment (built from the lock file, the course
installed from the student edition under the prefix) with the course's JupyterLab
settings first on ``JUPYTER_CONFIG_PATH``: the chart renderer, the deck extension and the
save hook, as ``course lab`` has them.

Who may log in (``auth``):

* ``pam`` — the machine's own accounts and passwords, members of the class group: a small
  class on one server, accounts made by the instructor (INSTRUCTORS.md shows how);
* ``lti13`` — launches from the LMS (ltiauthenticator's LTI 1.3), each student's Unix
  account made at their first launch, in the class group; lesson links are the LMS
  links' target;
* ``oauth`` — the university's single sign-on (oauthenticator's generic OAuth 2 / OpenID
  Connect), accounts made at first login;
* ``test`` — JupyterHub's DummyAuthenticator (any password) for the named users, on
  127.0.0.1 only: the tests and a first try, never a class.

The file is generated: change the settings (``course hub config ...``) and render it
again rather than editing it; every choice in it is commented.

Examples
--------
>>> from pathlib import Path
>>> text = render_config(HubSettings(prefix=Path("/opt/h"), auth="test", ip="127.0.0.1",
...                                  test_users=("ana",)))
>>> compile(text, "jupyterhub_config.py", "exec") is not None
True
>>> 'c.JupyterHub.authenticator_class = "dummy"' in text
True
"""

from __future__ import annotations

from course.errors import InputError
from course.publish.hub.links import git_pull_path
from course.publish.hub.settings import HubSettings

#: The options each authenticator needs (``--auth-option KEY=VALUE``), and what they are.
AUTH_OPTIONS: dict[str, dict[str, str]] = {
    "pam": {},
    "test": {},
    "lti13": {
        "issuer": "the LMS's issuer identifier (e.g. https://canvas.instructure.com)",
        "client_id": "the client id the LMS gave this tool (several: comma-separated)",
        "authorize_url": "the LMS's OIDC authorization end-point",
        "jwks_endpoint": "the LMS's public key set (JWKS) URL",
        "username_key": "the launch claim that holds a login name usable as a Unix user "
                        "name (e.g. custom_uname, with uname=$Canvas.user.loginId)",
    },
    "oauth": {
        "authorize_url": "the identity provider's authorization end-point",
        "token_url": "its token end-point",
        "userdata_url": "its user-info end-point",
        "client_id": "the client id registered for this hub",
        "client_secret_file": "a root-only file holding the client secret",
        "username_claim": "the user-info claim to use as the Unix user name "
                          "(e.g. preferred_username)",
    },
}
FIRST_LESSON = "notebooks/00-how-this-course-works.ipynb"


def _auth_options(settings: HubSettings) -> dict[str, str]:
    needed = AUTH_OPTIONS[settings.auth]
    given = dict(settings.auth_options)
    unknown = sorted(set(given) - set(needed))
    if unknown:
        raise InputError(f"--auth {settings.auth} has no option {', '.join(unknown)}; "
                         f"it takes: {', '.join(needed) or 'none'}")
    missing = [f"{key} ({why})" for key, why in needed.items() if not given.get(key)]
    if missing:
        raise InputError(f"--auth {settings.auth} needs --auth-option KEY=VALUE for: "
                         + "; ".join(missing))
    return given


def _auth_block(settings: HubSettings) -> str:
    options = _auth_options(settings)
    group = settings.group
    add_user = ["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group,
                "--key", "HOME_MODE=0700"]
    if settings.auth == "test":
        return f'''\
# TEST ONLY: JupyterHub's DummyAuthenticator lets the named users in with any password.
# `course hub` refuses it unless the hub listens on 127.0.0.1.
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {set(settings.test_users)!r}
'''
    if settings.auth == "pam":
        return f'''\
# The machine's accounts and passwords (PAM). Members of the class group may log in;
# make each student's account with
#   useradd --create-home --groups {group} --key HOME_MODE=0700 USERNAME && passwd USERNAME
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {{{group!r}}}
'''
    if settings.auth == "lti13":
        client_ids = {c.strip() for c in options["client_id"].split(",") if c.strip()}
        return f'''\
# LTI 1.3 launches from the LMS (ltiauthenticator). Register this hub in the LMS as an
# LTI 1.3 tool with
#   login (OIDC initiation) URL: {settings.public_url}/hub/lti13/oauth_login
#   redirect URL:                {settings.public_url}/hub/lti13/oauth_callback
#   configuration (JSON):        {settings.public_url}/hub/lti13/config
# and give each lesson's LMS link the lesson link `course hub-link` prints as its target
# link URI. The LMS decides who may launch; each student's Unix account (in the class
# group, with a private home) is made at their first launch.
from jupyterhub.auth import LocalAuthenticator  # noqa: E402
from ltiauthenticator.lti13.auth import LTI13Authenticator  # noqa: E402


class LocalLTI13Authenticator(LocalAuthenticator, LTI13Authenticator):
    """LTI 1.3 launches, each student a Unix user made at their first launch."""


c.JupyterHub.authenticator_class = LocalLTI13Authenticator
c.LTI13Authenticator.issuer = {options["issuer"]!r}
c.LTI13Authenticator.client_id = {client_ids!r}
c.LTI13Authenticator.authorize_url = {options["authorize_url"]!r}
c.LTI13Authenticator.jwks_endpoint = {options["jwks_endpoint"]!r}
c.LTI13Authenticator.username_key = {options["username_key"]!r}
c.Authenticator.allow_all = True
c.LocalAuthenticator.create_system_users = True
c.LocalAuthenticator.add_user_cmd = {add_user!r}
'''
    return f'''\
# The university's single sign-on (OAuth 2 / OpenID Connect, oauthenticator). Register
# {settings.public_url}/hub/oauth_callback as this hub's redirect URL with the provider.
# Each student's Unix account (in the class group, with a private home) is made at their
# first login; restrict who may log in below if the provider admits everyone.
c.JupyterHub.authenticator_class = "oauthenticator.generic.LocalGenericOAuthenticator"
c.GenericOAuthenticator.oauth_callback_url = {settings.public_url + "/hub/oauth_callback"!r}
c.GenericOAuthenticator.authorize_url = {options["authorize_url"]!r}
c.GenericOAuthenticator.token_url = {options["token_url"]!r}
c.GenericOAuthenticator.userdata_url = {options["userdata_url"]!r}
c.GenericOAuthenticator.client_id = {options["client_id"]!r}
c.GenericOAuthenticator.client_secret = Path({options["client_secret_file"]!r}).read_text().strip()
c.GenericOAuthenticator.username_claim = {options["username_claim"]!r}
c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
c.GenericOAuthenticator.allow_all = True
c.LocalAuthenticator.create_system_users = True
c.LocalAuthenticator.add_user_cmd = {add_user!r}
'''


def default_url(settings: HubSettings) -> str:
    """Where a student lands after logging in without a link: lesson 00, pulled first."""
    if not settings.repo:
        return "/lab"
    return "/" + git_pull_path(settings.repo, FIRST_LESSON, branch=settings.branch,
                               folder=settings.folder)


def render_config(settings: HubSettings) -> str:
    """The text of ``jupyterhub_config.py`` for these settings."""
    settings.check()
    s = settings
    scheme = "https" if s.ssl_cert else "http"
    bind = f"{scheme}://{s.ip or '0.0.0.0'}:{s.port}"
    path_env = f"{s.venv}/bin:/usr/local/bin:/usr/bin:/bin"
    ssl = (f"c.JupyterHub.ssl_cert = {s.ssl_cert!r}\nc.JupyterHub.ssl_key = {s.ssl_key!r}\n"
           if s.ssl_cert else
           "# No TLS here: put the hub behind HTTPS (a reverse proxy, or --ssl-cert/--ssl-key)\n"
           "# before students log in over the network.\n")
    return f'''\
"""JupyterHub for the alliances course: one class on one machine.

Generated by `course hub` from {s.settings_file}: change the settings with
`course hub config ...` and render again rather than editing this file.
Start it with `course hub start` (as root: the hub starts each student's server as
that student's Unix user).
"""

import os
import pwd
import stat
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# -- Where the hub listens ------------------------------------------------------------
c.JupyterHub.bind_url = {bind!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{s.hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{s.proxy_api_port}"
{ssl}
# -- The hub's own files: root only ----------------------------------------------------
STATE = Path({str(s.state)!r})
c.JupyterHub.db_url = f"sqlite:///{{STATE}}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
# configurable-http-proxy, installed from npm under the prefix by `course hub install`.
c.ConfigurableHTTPProxy.command = [{str(s.proxy_command)!r}]
# Stopping the hub (Ctrl+C, SIGTERM) stops every student's server and the proxy with it.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# -- Who may log in -------------------------------------------------------------------
{_auth_block(s)}c.Authenticator.admin_users = {set(s.admins)!r}

# -- Each student: their own Unix user, their own private home -------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(s.venv / "bin" / "jupyterhub-singleuser")!r}]
# What a student's server need not load (each server is one student's memory): jupyter_lsp
# (no language server is installed, and JupyterLab's LSP features are off by default), and
# the extension manager's PyPI look-ups (students cannot install into the class's
# environment). Terminals, the course's renderer and deck, the save hook and nbgitpuller stay.
c.Spawner.args = ["--ServerApp.jpserver_extensions=jupyter_lsp=False",
                  "--LabApp.extension_manager=readonly"]
c.Spawner.notebook_dir = "~"
# Without a lesson link, a student lands on lesson 00 (pulled into ~/{s.folder} first).
c.Spawner.default_url = {default_url(s)!r}
# The hub's own environment stays out of students' servers: only the locale, plus
# the course's environment first on PATH and its JupyterLab settings (jupyter/).
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {{
    "PATH": {path_env!r},
    "JUPYTER_CONFIG_PATH": {str(s.course / "jupyter")!r},
}}
# A loaded machine starts pandas-heavy kernels slowly: do not give up too early.
c.Spawner.start_timeout = {s.start_timeout}
c.Spawner.http_timeout = {s.start_timeout}


def private_home(spawner):
    """Before each start: never a system account, and a home only its owner can open."""
    user = pwd.getpwnam(spawner.user.name)
    if user.pw_uid < 1000:
        raise RuntimeError(f"{{spawner.user.name}} is a system account: not started")
    home = Path(user.pw_dir)
    info = home.stat()
    if info.st_uid != user.pw_uid:
        raise RuntimeError(f"{{home}} is not owned by {{spawner.user.name}}: not started")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(home, stat.S_IMODE(info.st_mode) & 0o700)
        spawner.log.info("made %s private (mode 0700)", home)


c.Spawner.pre_spawn_hook = private_home

# -- Idle servers stop after {s.idle_timeout} s (jupyterhub-idle-culler) -----------------------
c.JupyterHub.services = [{{
    "name": "idle-culler",
    "command": [{str(s.venv / "bin" / "python")!r}, "-m", "jupyterhub_idle_culler",
                "--timeout={s.idle_timeout}", "--cull-every=300"],
}}]
c.JupyterHub.load_roles = [{{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}}]
'''
