"""The example notebook runs from top to bottom without an error, as CI executes it, and the
committed copy carries no outputs (so it never shows results older than the code) and is exactly
what its generator writes."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "doe_democratie_2013.ipynb"


def generator() -> dict[str, object]:
    spec = importlib.util.spec_from_file_location(
        "make_notebook", ROOT / "tools" / "notebook" / "make_notebook.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: dict[str, object] = module.notebook()
    return result


def test_committed_notebook_is_the_generated_one_without_outputs() -> None:
    committed = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert committed == generator()
    for cell in committed["cells"]:
        assert cell.get("outputs", []) == []


def test_notebook_executes_without_errors() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # The charts show as SVG, the survey and the report as HTML.
    mimes = {m for o in outputs for m in o.get("data", {})}
    assert {"image/svg+xml", "text/html"} <= mimes, mimes
    print(f"executed {len(nb.cells)} cells with {sys.executable}")
