"""Adds Python peers to tests/data/inference/exact_reference.json, written by exact_reference.R.

- scipy.stats.fisher_exact (two-sided) for the 2x2 tables (scipy's r x c test is Monte Carlo,
  so only R is the exact reference there);
- statsmodels.stats.multitest.multipletests (holm, fdr_bh) for the p.adjust vectors, with the
  missing entries left out of the family as R does;
- scipy.stats.chi2_contingency (no continuity correction) for the Pearson statistics.

Run from the repository root, after the R script (which rewrites the file from scratch):
    pip install scipy statsmodels
    python3 tools/reference/exact_reference.py
Floats are written with 17 significant digits, as the R script writes them.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.multitest import multipletests

PATH = Path("tests/data/inference/exact_reference.json")
COMMAND = "python3 tools/reference/exact_reference.py"


def fisher_2x2(table):
    return float(scipy.stats.fisher_exact(table, alternative="two-sided").pvalue)


def multipletests_keeping_missing(p, method):
    present = [(i, v) for i, v in enumerate(p) if v is not None]
    out = [None] * len(p)
    if not present:
        return out
    adjusted = multipletests([v for _, v in present], method=method)[1]
    for (i, _), value in zip(present, adjusted):
        out[i] = float(value)
    return out


def pearson(table):
    x = np.array(table, dtype=float)
    x = x[x.sum(axis=1) > 0][:, x.sum(axis=0) > 0]
    result = scipy.stats.chi2_contingency(x, correction=False)
    return {"statistic": float(result.statistic), "df": int(result.dof)}


def dumps(value, indent=0):
    """JSON with floats as %.17g, one case per line, like the R script's output."""
    pad = "  " * indent
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite value {value}")
        return "%.17g" % value
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        if indent == 1:  # the case lists: one case per line
            inner = ",\n".join(pad + "  " + dumps(v, indent + 1) for v in value)
            return "[\n" + inner + "\n" + pad + "]"
        return "[" + ", ".join(dumps(v, indent + 1) for v in value) + "]"
    if isinstance(value, dict):
        if indent == 0:
            inner = ",\n".join(f"  {json.dumps(k)}: {dumps(v, 1)}" for k, v in value.items())
            return "{\n" + inner + "\n}"
        return "{" + ", ".join(f"{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def main():
    reference = json.loads(PATH.read_text())
    reference["generated_by"]["python"] = {
        "version": sys.version.split()[0],
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "command": COMMAND,
    }
    for case in reference["fisher"]:
        table = case["table"]
        if len(table) == 2 and all(len(row) == 2 for row in table):
            case["p_value"]["scipy"] = fisher_2x2(table)
    for case in reference["adjust"]:
        case["holm"]["statsmodels"] = multipletests_keeping_missing(case["p"], "holm")
        case["bh"]["statsmodels"] = multipletests_keeping_missing(case["p"], "fdr_bh")
    for case in reference["pearson"]:
        case["scipy"] = pearson(case["table"])
    PATH.write_text(dumps(reference) + "\n")
    print("updated", PATH)


if __name__ == "__main__":
    main()
