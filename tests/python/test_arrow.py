"""Survey.from_arrow and Survey.from_parquet read the same survey as from_pandas and from_csv,
from pyarrow tables, polars and pandas frames, with strings, dictionaries, nulls and chunks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import doe_democratie as dd

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

INSTRUMENT = dd.Instrument.doe_democratie_2013()
OCC = "forms_occurrence.social_entrepreneurship"
FLAG = "forms_most_typical.social_entrepreneurship"


def _columns() -> dict[str, list[Any]]:
    return {
        "respondent_id": [1, 2, 3, 4, 5],
        "municipality": ["GM0001", "GM0001", "GM0002", None, "GM0003"],
        "size_class": ["lt20k", "lt20k", "gt100k", "lt20k", None],
        OCC: [1, 9, None, 2, 2],
        FLAG: [1, 0, 1, 0, None],
    }


def _expected() -> dd.Survey:
    return dd.Survey.from_dict(_columns(), INSTRUMENT, strict=False)


def same(got: dd.Survey, want: dd.Survey) -> None:
    """The same respondents, municipalities, answers and problems (the input's name aside)."""
    assert (got.n_respondents, got.n_municipalities) == (want.n_respondents, want.n_municipalities)
    assert got.item_summary() == want.item_summary()
    assert got.municipalities() == want.municipalities()
    assert got.consolidated() == want.consolidated()
    for column in (OCC, FLAG):
        assert _plain(got.consolidate(column, policy=None)) == _plain(want.consolidate(column, policy=None))
    assert [_key(p) for p in got.problems] == [_key(p) for p in want.problems]


def _key(p: dd.Problem) -> tuple[Any, ...]:
    return (p.kind, p.row, p.column, p.value, p.message)


def _plain(column: Any) -> dict[str, Any]:
    """A consolidated column with its numpy arrays as lists, so that it compares with ==."""
    return {k: v.tolist() if hasattr(v, "tolist") else v for k, v in column.items()}


def test_a_pyarrow_table_reads_like_the_same_columns_as_lists() -> None:
    table = pa.table(_columns())
    got = dd.Survey.from_arrow(table, INSTRUMENT, strict=False)
    same(got, _expected())
    assert got.problems and all(p.file == "<arrow>" for p in got.problems)


def test_chunks_dictionaries_and_string_views_read_alike() -> None:
    table = pa.table(_columns())
    chunked = pa.concat_tables([table.slice(0, 2), table.slice(2, 3)])
    assert chunked.column(0).num_chunks == 2
    as_dictionary = chunked.set_column(
        1, "municipality", chunked.column("municipality").dictionary_encode()
    )
    for variant in (chunked, as_dictionary):
        same(dd.Survey.from_arrow(variant, INSTRUMENT, strict=False), _expected())


def test_polars_and_pandas_frames_arrive_through_the_arrow_stream_interface() -> None:
    expected = _expected()
    frame = pd.DataFrame(_columns())
    same(dd.Survey.from_arrow(frame, INSTRUMENT, strict=False), expected)
    pl = pytest.importorskip("polars")
    same(dd.Survey.from_arrow(pl.DataFrame(_columns()), INSTRUMENT, strict=False), expected)


def test_parquet_reads_like_csv_and_problems_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.table(_columns()), path)
    got = dd.Survey.from_parquet(path, INSTRUMENT, strict=False)
    same(got, _expected())
    assert all(p.file == str(path) for p in got.problems)
    with pytest.raises(dd.ValidationError) as err:
        dd.Survey.from_parquet(path, INSTRUMENT)
    assert str(path) in str(err.value)
    with pytest.raises(FileNotFoundError):
        dd.Survey.from_parquet(tmp_path / "missing.parquet", INSTRUMENT)


def test_what_arrow_cannot_read_is_refused_with_a_type_error() -> None:
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        dd.Survey.from_arrow(42, INSTRUMENT)


def test_labels_in_a_string_column_resolve_once_per_distinct_value() -> None:
    n = 10_000
    table = pa.table({
        "respondent_id": pa.array(range(n)),
        "municipality": pa.array([f"GM{i % 700:04d}" for i in range(n)]),
        OCC: pa.array(["Ja", "Nee", "9", None] * (n // 4)),
    })
    got = dd.Survey.from_arrow(table, INSTRUMENT)
    frame = table.to_pandas()
    assert got == dd.Survey.from_pandas(frame, INSTRUMENT)
    assert got == dd.Survey.from_dict({k: v.to_pylist() for k, v in zip(table.column_names, table.columns)}, INSTRUMENT)
    assert got.n_municipalities == 700
