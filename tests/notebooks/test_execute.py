"""Every lesson and solution notebook runs top to bottom, headless, in a fresh kernel.

Each notebook is executed with nbclient in its own folder (as JupyterLab would), with a
per-cell timeout. Lessons must also draw their charts with the offline Vega-Lite 5
mimetype (never HTML that fetches Vega from a CDN) and display the explorer widget.
"""

from __future__ import annotations

import json
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course.charts import layouts
from course.paths import PROJECT_ROOT

CELL_TIMEOUT = 120  # seconds; a lesson as a whole should take well under 20 s
VEGALITE_V5 = "application/vnd.vegalite.v5+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


#: HTTP(S) from the kernel goes to a closed local port, so a lesson that quietly
#: downloads something (urllib, requests, pandas.read_csv(url)...) fails here, as it
#: would in a classroom without network.
NO_NETWORK = {
    **{name: "http://127.0.0.1:9" for name in
       ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")},
    "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    for name, value in NO_NETWORK.items():
        monkeypatch.setenv(name, value)


#: Run after a notebook, in its kernel: whether it loaded vl-convert (about 75 MB a student
#: on a hub), and the chart layouts it had to draw because course/charts/layouts.json
#: does not ship them. Printed as the probe cell's last line.
PROBE = """import json as _json, sys as _sys
from course.charts import layouts as _layouts
print(_json.dumps({"vl_convert": "vl_convert" in _sys.modules,
                   "unshipped": _layouts.unshipped()}))"""


def execute(path):
    """Run a notebook in a fresh python3 kernel, cwd = its folder; return (nb, seconds).

    A last cell, :data:`PROBE`, is added to the copy run (never to the file): its report
    is ``nb.metadata["probe"]``, and the cell is taken off again.
    """
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
        pytest.fail(f"{shown} failed while running:\n{error}", pytrace=False)
    seconds = time.perf_counter() - started
    probe = nb.cells.pop()
    printed = "".join(out.get("text", "") for out in probe.outputs if out.get("name") == "stdout")
    nb.metadata["probe"] = json.loads(printed.strip().splitlines()[-1])
    return nb, seconds


def _outputs(cell):
    return cell.get("outputs", []) if cell.cell_type == "code" else []


def _widget_outputs(nb):
    """Output dicts shown inside Output widgets (saved in the widget state by nbclient)."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        yield from model.get("state", {}).get("outputs", []) or []


@pytest.mark.slow
def test_notebook_runs_without_error(runnable, record_property):
    assert runnable is not None, "no notebooks found under notebooks/ or solutions/"
    nb, seconds = execute(runnable)
    record_property("seconds", round(seconds, 2))
    print(f"{runnable.relative_to(PROJECT_ROOT)}: executed in {seconds:.1f} s")
    errors = [out for cell in nb.cells for out in _outputs(cell) if out.output_type == "error"]
    assert not errors, f"error outputs: {[e.ename + ': ' + e.evalue for e in errors]}"
    unshipped = nb.metadata["probe"]["unshipped"]
    assert not unshipped, (
        f"the notebook drew {len(unshipped)} chart layouts offline that "
        "course/charts/layouts.json does not ship (the kernel loads vl-convert for them): "
        f"run {layouts.BUILD_COMMAND} and commit the file")
    if runnable.parent.name != "notebooks":
        return
    # A lesson's kernel stays small on a hub: vl-convert (about 75 MB) is never loaded.
    assert not nb.metadata["probe"]["vl_convert"], (
        "the lesson's kernel imported vl_convert: draw handouts and PNGs outside lessons")
    # Lessons: charts use the offline mimetype, and the explorer cell shows a widget.
    shown = [out for cell in nb.cells for out in _outputs(cell)] + list(_widget_outputs(nb))
    data = [out.get("data", {}) for out in shown]
    assert any(VEGALITE_V5 in d for d in data), (
        "no Vega-Lite 5 chart in the outputs: call course.setup() and display an Altair chart")
    cdn = [d["text/html"] for d in data if "text/html" in d
           and ("cdn.jsdelivr" in json.dumps(d["text/html"]) or "<script src=\"http" in
                json.dumps(d["text/html"]))]
    assert not cdn, "an output loads JavaScript from the network (use the mimetype renderer)"
    explorer = [c for c in nb.cells if "explorer" in c.metadata.get("tags", [])]
    assert explorer, "no cell tagged 'explorer'"
    assert any(WIDGET_VIEW in out.get("data", {}) for c in explorer for out in _outputs(c)), (
        "the cell tagged 'explorer' displays no ipywidget")


@pytest.mark.slow
def test_a_notebook_that_downloads_fails_here(tmp_path):
    """The runner must catch errors, including a download attempted without network."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import urllib.request\nurllib.request.urlopen('http://example.org/data.csv', timeout=5)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "downloads.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(pytest.fail.Exception, match="URLError|ConnectionRefused|ProxyError"):
        execute(path)
