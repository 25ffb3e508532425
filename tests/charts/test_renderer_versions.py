"""One Vega-Lite for students, handouts and tests.

JupyterLab draws charts with the course's renderer (``jupyter/labextensions``, built from
``jupyter/vega-renderer``); handouts and the chart tests draw them with vl-convert. Both
must bundle the same Vega, Vega-Lite and vega-embed, and Altair must write specs of that
Vega-Lite version; the renderer must replace JupyterLab's own (Vega-Lite 5.6.1) and be
what the course's JupyterLab settings load.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import vl_convert as vlc

from course.publish.lab import CONFIG_DIR

EXTENSION = CONFIG_DIR / "labextensions" / "alliances-course-vega"


def _bundled() -> dict[str, str]:
    licences = json.loads((EXTENSION / "static" / "third-party-licenses.json").read_text())
    return {p["name"]: p["versionInfo"] for p in licences["packages"]}


def test_the_renderer_bundles_the_versions_vl_convert_draws_handouts_with():
    bundled = _bundled()
    assert bundled["vega"] == vlc.get_vega_version()
    assert bundled["vega-embed"] == vlc.get_vega_embed_version()
    major_minor = ".".join(bundled["vega-lite"].split(".")[:2])
    assert major_minor in vlc.get_vegalite_versions()
    # The exact Vega-Lite release in vl-convert's bundle for that version.
    assert bundled["vega-lite"] in vlc.javascript_bundle(vl_version=f"v{major_minor}")


def test_altair_writes_specs_of_the_bundled_vega_lite():
    assert "v" + _bundled()["vega-lite"] == alt.SCHEMA_VERSION


def test_the_chart_helpers_render_with_that_version():
    from course.charts import base

    source = Path(base.__file__).read_text(encoding="utf-8")
    versions = set(re.findall(r'vl_version="([\d.]+)"', source))
    assert versions == {".".join(_bundled()["vega-lite"].split(".")[:2])}


def test_the_renderer_replaces_jupyterlabs_own_and_is_built():
    package = json.loads((EXTENSION / "package.json").read_text())
    lab = package["jupyterlab"]
    assert "@jupyterlab/vega5-extension" in lab["disabledExtensions"]
    assert (EXTENSION / lab["_build"]["load"]).is_file()
    source = json.loads((CONFIG_DIR / "vega-renderer" / "package.json").read_text())
    assert source["dependencies"]["vega-lite"] == _bundled()["vega-lite"]
    assert source["dependencies"]["vega"] == _bundled()["vega"]


def test_the_course_settings_load_the_renderer_and_switch_off_calls_home():
    config = (CONFIG_DIR / "jupyter_server_config.py").read_text()
    assert 'extra_labextensions_path = [str(HERE / "labextensions")]' in config
    assert 'news_url = ""' in config and "NeverCheckForUpdate" in config
    overrides = json.loads((CONFIG_DIR / "lab-settings" / "overrides.d" / "student.json")
                           .read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["checkForUpdates"] is False
