"""The hub's configuration: rendered for every authenticator, refused when unsafe or
incomplete, and — loaded by the installed JupyterHub's own config loader — naming only
real, configurable traits of real classes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from course.errors import InputError
from course.paths import PROJECT_ROOT
from course.publish.hub.config import AUTH_OPTIONS, default_url, render_config
from course.publish.hub.install import HUB_REQUIREMENTS
from course.publish.hub.settings import HubSettings, default_prefix

PREFIX = Path("/opt/alliances-course-hub")
OPTIONS = {
    "pam": {},
    "test": {},
    "lti13": {"issuer": "https://canvas.example.edu", "client_id": "10000000000001, 2",
              "authorize_url": "https://canvas.example.edu/api/lti/authorize_redirect",
              "jwks_endpoint": "https://canvas.example.edu/api/lti/security/jwks",
              "username_key": "custom_uname"},
    "oauth": {"authorize_url": "https://sso.example.edu/authorize",
              "token_url": "https://sso.example.edu/token",
              "userdata_url": "https://sso.example.edu/userinfo", "client_id": "hub",
              "client_secret_file": "/opt/alliances-course-hub/state/oauth-secret",
              "username_claim": "preferred_username"},
}


def settings_for(auth: str, **changes) -> HubSettings:
    base = dict(prefix=PREFIX, auth=auth, auth_options=OPTIONS[auth], admins=("teacher",),
                repo="https://git.example.edu/course/student.git",
                public_url="https://hub.example.edu")
    if auth == "test":
        base.update(ip="127.0.0.1", test_users=("ana", "ben"))
    base.update(changes)
    return HubSettings(**base)


@pytest.mark.parametrize("auth", sorted(AUTH_OPTIONS))
def test_every_authenticator_renders_a_python_config(auth):
    text = render_config(settings_for(auth))
    compile(text, "jupyterhub_config.py", "exec")
    assert 'c.JupyterHub.spawner_class = "localprocess"' in text
    assert "c.Spawner.pre_spawn_hook = private_home" in text
    assert f"'JUPYTER_CONFIG_PATH': '{PREFIX}/course/jupyter'" in text.replace('"', "'")
    assert "c.JupyterHub.cleanup_servers = True" in text


def test_without_a_link_students_land_on_lesson_00_pulled_first():
    url = default_url(settings_for("pam"))
    assert url.startswith("/git-pull?") and "00-how-this-course-works.ipynb" in url
    assert default_url(settings_for("pam", repo="")) == "/lab"


@pytest.mark.parametrize("ip", ["", "0.0.0.0", "192.0.2.10"])
def test_the_test_login_is_refused_beyond_loopback(ip):
    with pytest.raises(InputError, match="127.0.0.1"):
        render_config(settings_for("test", ip=ip))


@pytest.mark.parametrize("auth", ["lti13", "oauth"])
def test_production_logins_name_every_missing_option(auth):
    options = dict(OPTIONS[auth])
    missing = sorted(options)[:2]
    for key in missing:
        del options[key]
    with pytest.raises(InputError) as error:
        render_config(settings_for(auth, auth_options=options))
    assert all(key in str(error.value) for key in missing)
    with pytest.raises(InputError, match="has no option"):
        render_config(settings_for(auth, auth_options={**OPTIONS[auth], "colour": "red"}))


@pytest.mark.parametrize("bad", [dict(admins=("Root User",)), dict(folder="../x"),
                                 dict(auth="ldap"), dict(prefix=Path("relative")),
                                 dict(public_url="hub.example.edu"), dict(ssl_cert="/c")])
def test_bad_settings_are_refused_with_what_to_fix(bad):
    auth = bad.pop("auth", "pam")
    with pytest.raises(InputError):
        settings_for("pam", **bad).replace(auth=auth).check()


def test_settings_survive_their_file():
    settings = settings_for("lti13", test_users=("x",))
    assert HubSettings.from_json(settings.to_json()) == settings
    with pytest.raises(InputError, match="unknown keys"):
        HubSettings.from_json(json.dumps({"prefix": "/x", "colour": 1}))


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split(";")[0].strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_hub_pins_are_exact_and_agree_with_the_lock():
    hub, lock = _pins(HUB_REQUIREMENTS), _pins(PROJECT_ROOT / "requirements.lock")
    assert hub and all(hub.values()), "every hub requirement is pinned with =="
    clash = {name: (version, lock[name]) for name, version in hub.items()
             if name in lock and lock[name] != version}
    assert not clash, f"pinned differently in requirements.lock: {clash}"
    assert {"jupyterhub", "nbgitpuller", "jupyterhub-ltiauthenticator", "oauthenticator",
            "jupyterhub-idle-culler"} <= set(hub)


# Loaded by the installed JupyterHub: every section a class, every key one of its
# configurable traits (a typo such as c.Spawner.default_urls would fail here).
CHECK_TRAITS = r'''
import json, sys
from traitlets.config.loader import PyFileConfigLoader
from jupyterhub.app import JupyterHub
from jupyterhub.auth import LocalAuthenticator, PAMAuthenticator, DummyAuthenticator
from jupyterhub.proxy import ConfigurableHTTPProxy
from jupyterhub.spawner import LocalProcessSpawner
from ltiauthenticator.lti13.auth import LTI13Authenticator
from oauthenticator.generic import GenericOAuthenticator
classes = {c.__name__: c for c in (JupyterHub, LocalAuthenticator, PAMAuthenticator,
           DummyAuthenticator, ConfigurableHTTPProxy, LTI13Authenticator,
           GenericOAuthenticator)}
classes["Spawner"] = classes["LocalProcessSpawner"] = LocalProcessSpawner
classes["Authenticator"] = LocalAuthenticator
path = sys.argv[1]
config = PyFileConfigLoader(path.rsplit("/", 1)[1], path=path.rsplit("/", 1)[0]).load_config()
bad = []
for section, values in config.items():
    cls = classes.get(section)
    if cls is None:
        bad.append(f"unknown class {section}")
        continue
    traits = cls.class_traits(config=True)
    bad += [f"{section}.{key}" for key in values if key not in traits]
print(json.dumps(bad))
'''


@pytest.mark.needs("hub")
@pytest.mark.parametrize("auth", sorted(AUTH_OPTIONS))
def test_config_names_real_jupyterhub_traits(auth, tmp_path):
    python = default_prefix() / "venv" / "bin" / "python"
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(render_config(settings_for(auth, prefix=default_prefix())))
    secret = Path(OPTIONS["oauth"]["client_secret_file"])
    if auth == "oauth" and not secret.exists():
        text = config.read_text().replace(str(secret), str(tmp_path / "secret"))
        (tmp_path / "secret").write_text("s3cret\n")
        config.write_text(text)
    result = subprocess.run([str(python), "-c", CHECK_TRAITS, str(config)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
