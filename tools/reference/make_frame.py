#!/usr/bin/env python3
"""Writes tests/data/inference/frame_2013_synthetic.csv, the synthetic population frame of the
2013 reconstruction used by tools/reference/inference_reference.R (post-stratification to four
size classes, raking on size class and province).

Usage (from the repository root): python3 tools/reference/make_frame.py

Stdlib only and free of randomness, so the frame is a pure function of the two input files:
data/doe_democratie_2013_reconstructed.csv and src/instrument/doe_democratie_2013.json.

The frame has 408 municipalities: the 98 of the reconstruction (their first respondent's row gives
name, inhabitants and province) plus 310 invented ones F001..F310. The invented ones are spread so
that the frame holds exactly 142 / 170 / 69 / 27 municipalities in the size classes lt_20k /
20k_50k / 50k_100k / 100k_plus; the 20k_50k + 50k_100k total of 239 is the middle stratum of the
published 2013 design (142 / 239 / 27).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "doe_democratie_2013_reconstructed.csv"
INSTRUMENT = ROOT / "src" / "instrument" / "doe_democratie_2013.json"
OUT = ROOT / "tests" / "data" / "inference" / "frame_2013_synthetic.csv"

# Frame totals per size class (the 2013 strata 142 / 239 / 27, the middle one split 170 / 69).
FRAME_COUNTS = {"lt_20k": 142, "20k_50k": 170, "50k_100k": 69, "100k_plus": 27}
# Inhabitants of the invented municipalities are spaced evenly over these closed ranges; the ranges
# stay clear of the class bounds so that no rounding can move a municipality across a bound.
INVENTED_RANGE = {
    "lt_20k": (3_000, 19_900),
    "20k_50k": (20_100, 49_900),
    "50k_100k": (50_100, 99_900),
    "100k_plus": (100_100, 900_000),
}


def size_class(inhabitants: int, bounds: list[tuple[str, int]]) -> str:
    """The instrument's classes are lower-inclusive: the last class whose minimum is <= inhabitants."""
    found = None
    for class_id, minimum in bounds:
        if inhabitants >= minimum:
            found = class_id
    if found is None:
        raise ValueError(f"{inhabitants} inhabitants is below every size class")
    return found


def spaced(lo: int, hi: int, count: int) -> list[int]:
    """count integers evenly spread over [lo, hi], integer arithmetic only (no float rounding)."""
    if count == 1:
        return [lo]
    return [lo + (hi - lo) * j // (count - 1) for j in range(count)]


def main() -> None:
    instrument = json.loads(INSTRUMENT.read_text(encoding="utf-8"))
    bounds = [(c["id"], int(c["min_inhabitants"])) for c in instrument["attributes"]["size_classes"]]
    provinces = [p["id"] for p in instrument["attributes"]["provinces"]]
    assert [c for c, _ in bounds] == list(FRAME_COUNTS), "size classes differ from the instrument"

    sampled: dict[str, dict[str, str]] = {}
    with DATA.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            # First respondent's row wins; the attributes are constant within a municipality anyway.
            sampled.setdefault(row["municipality"], row)

    rows = []
    for code in sorted(sampled):
        r = sampled[code]
        inhabitants = int(r["inhabitants"])
        if size_class(inhabitants, bounds) != r["size_class"]:
            raise ValueError(f"{code}: size class {r['size_class']} disagrees with {inhabitants} inhabitants")
        if r["province"] not in provinces:
            raise ValueError(f"{code}: unknown province {r['province']}")
        rows.append((code, r["municipality_name"], inhabitants, r["province"]))

    sampled_per_class = {c: 0 for c in FRAME_COUNTS}
    for _, _, inhabitants, _ in rows:
        sampled_per_class[size_class(inhabitants, bounds)] += 1

    invented = []
    for class_id, total in FRAME_COUNTS.items():
        need = total - sampled_per_class[class_id]
        if need < 0:
            raise ValueError(f"{class_id}: more sampled municipalities than the frame total {total}")
        invented += spaced(*INVENTED_RANGE[class_id], need)
    # Round-robin over the instrument's province order: every province gets at least
    # floor(310 / 12) = 25 invented municipalities, so each has >= 3 in the frame.
    for j, inhabitants in enumerate(invented):
        number = f"{j + 1:03d}"
        rows.append((f"F{number}", f"Fictieve gemeente {number}", inhabitants, provinces[j % len(provinces)]))

    counts = {c: 0 for c in FRAME_COUNTS}
    per_province = {p: 0 for p in provinces}
    for _, _, inhabitants, province in rows:
        counts[size_class(inhabitants, bounds)] += 1
        per_province[province] += 1
    assert len(rows) == 408 and counts == FRAME_COUNTS, counts
    assert min(per_province.values()) >= 3, per_province

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "inhabitants", "province"])
        writer.writerows(rows)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} municipalities, size classes {counts}, "
          f"provinces {per_province}")


if __name__ == "__main__":
    main()
