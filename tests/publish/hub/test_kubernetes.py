"""Beyond one machine, what can be checked without Kubernetes or Docker.

* The values file parses and uses only keys of the Zero to JupyterHub chart, with the
  types its schema allows, and takes its resources from the measured sizing.
* repo2docker (the real tool, from the hub's environment) writes the image's Dockerfile
  from a fresh student edition without Docker (``--no-build``): the pinned environment
  from ``environment.yml``, then ``postBuild`` (which installs the course) run in the
  course folder outside the home, ``start`` as the entrypoint, nbgitpuller added.
* The hub's own prefix was built by the same ``postBuild`` and imports the course from
  its edition (test_install.py runs it as an unprivileged user).
"""

from __future__ import annotations

import subprocess

import pytest
import yaml

from course.publish.hub import kubernetes, sizing
from course.publish.hub.settings import default_prefix
from course.publish.release import write_student_edition

#: Keys of the jupyterhub Helm chart's values schema that the course's values file uses,
#: with the types the schema allows, read from ``jupyterhub/values.schema.yaml`` of
#: jupyterhub/zero-to-jupyterhub-k8s (commit 02dd73df01bdbb6d602fed21b0be12565ab38080).
#: ``hub.config`` is free-form there (traitlets configuration, checked in test_config.py
#: against the real classes).
CHART_KEYS = {
    "hub.config": (dict,),
    "singleuser.image.name": (str,), "singleuser.image.tag": (str,),
    "singleuser.defaultUrl": (str, type(None)),
    "singleuser.memory.guarantee": (int, float, str, type(None)),
    "singleuser.memory.limit": (int, float, str, type(None)),
    "singleuser.cpu.guarantee": (int, float, type(None)),
    "singleuser.cpu.limit": (int, float, type(None)),
    "singleuser.storage.capacity": (str, type(None)),
    "singleuser.startTimeout": (int, type(None)),
    "cull.enabled": (bool,), "cull.timeout": (int, type(None)), "cull.every": (int, type(None)),
    "prePuller.hook.enabled": (bool,), "prePuller.continuous.enabled": (bool,),
}


def leaves(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if path == "hub.config" or not isinstance(value, dict):
            yield path, value
        else:
            yield from leaves(value, path + ".")


def test_values_use_only_chart_keys_with_allowed_types():
    values = yaml.safe_load(kubernetes.values_yaml(image="reg.example.edu/course:2026-09"))
    found = dict(leaves(values))
    unknown = sorted(set(found) - set(CHART_KEYS))
    assert not unknown, f"not keys of the Zero to JupyterHub chart: {unknown}"
    wrong = {k: v for k, v in found.items() if not isinstance(v, CHART_KEYS[k])}
    assert not wrong, f"types the chart's schema refuses: {wrong}"


def test_resources_come_from_the_measured_sizing():
    values = kubernetes.values(image="r/c:1")["singleuser"]
    assert values["memory"]["guarantee"] == f"{sizing.memory_request_mb()}M"
    assert sizing.memory_request_mb() >= sizing.MEASURED["rss_mb_per_student"]
    assert values["cpu"]["guarantee"] == pytest.approx(1 / sizing.MEASURED["students_per_core"],
                                                       abs=0.01)
    assert "00-how-this-course-works.ipynb" in values["defaultUrl"]


def test_shipped_values_file_is_what_the_command_prints():
    from course.paths import PROJECT_ROOT

    shipped = PROJECT_ROOT / "course" / "publish" / "hub" / "kubernetes-values.yaml"
    assert shipped.read_text(encoding="utf-8") == kubernetes.values_yaml(), (
        "regenerate it: course hub k8s-values > course/publish/hub/kubernetes-values.yaml")


@pytest.mark.parametrize("image", ["no-tag", "reg/img:", "reg:5000/img"])
def test_an_image_without_a_tag_is_refused(image):
    from course.errors import InputError

    with pytest.raises(InputError, match="NAME:TAG"):
        kubernetes.values(image=image)


@pytest.mark.needs("hub")
def test_repo2docker_builds_the_course_into_the_image(tmp_path):
    repo2docker = default_prefix() / "venv" / "bin" / "repo2docker"
    edition = tmp_path / "edition"
    write_student_edition(edition)
    command = kubernetes.repo2docker_command(str(edition), "reg.example.edu/course:test")
    command[0] = str(repo2docker)
    result = subprocess.run([command[0], "--no-build", "--debug", *command[1:]],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    dockerfile = result.stdout + result.stderr
    lines = [line.strip() for line in dockerfile.splitlines()]

    def at(fragment: str) -> int:
        found = [i for i, line in enumerate(lines) if fragment in line]
        assert found, f"the Dockerfile has no line with {fragment!r}"
        return found[0]

    env_update = at('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    copy_all = at("src/ ${REPO_DIR}/")
    post_build = at("RUN ./postBuild")
    appendix = at('pip install --no-cache-dir "nbgitpuller==1.3.0"')
    assert env_update < copy_all < post_build < appendix
    assert at('ENV R2D_ENTRYPOINT="${REPO_DIR}/start"') > post_build
    assert "pip install --no-deps -e ." in (edition / "postBuild").read_text()
    assert "JUPYTER_CONFIG_PATH" in (edition / "start").read_text()
