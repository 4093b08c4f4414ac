"""Command line: ``python -m doe_democratie validate PATH`` and ``python -m doe_democratie report``.

``validate`` reads a respondent file (CSV, or JSON records for ``*.json``) against an instrument
(the built-in 2013 one unless ``--instrument`` names a file), prints the survey, answered /
'weet niet' / missing totals per question and every problem with its row and column.

``report`` does the same for ``--data`` (default: the bundled *synthetic* reconstruction of the
2013 microdata), runs a report specification (default: the 2013 report), writes one CSV per
figure plus ``report.json`` and ``index.html`` (the HTML report; ``--templates DIR`` replaces its
built-in templates) to ``--out`` and prints one line per figure.
With ``--xlsx FILE`` it also writes the report as an Excel workbook (an index sheet and one sheet
per figure with its chart) at FILE, whose folder must exist (``--out`` is written first, so it may
be inside it).

Exit codes (both commands):

* 0 -- done; the data has no problems.
* 1 -- the data has problems (they are listed); nothing else means 1.
* 2 -- the command cannot run: bad usage, a missing or unreadable file, a file that is not UTF-8,
  an invalid instrument or report specification (also one that does not fit the instrument), an
  output folder or workbook that cannot be written, or an unexpected internal error.

Everything printed that comes from the input (file names, ids, titles, values, messages) passes
through :func:`shown`: characters that are not printable, such as terminal escape codes, appear
as ``\\x1b``-style escapes, and long values are cut at 200 characters.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional, TextIO, TypedDict, Union, cast

from . import datasets
from ._core import (
    DoeDemocratieError,
    Instrument,
    Problem,
    ReportSpec,
    Survey,
    Table,
    ValidationError,
)

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
#: What the HTML report says about the data when ``--data`` is not given.
BUNDLED_SOURCE = (
    "de meegeleverde synthetische reconstructie van de microdata van 2013 (verzonnen antwoorden "
    "die de gepubliceerde cijfers reproduceren; geen echte antwoorden)."
)
DEFAULT_OUT = Path("out/report")
EXIT_CODES = (
    "exit codes: 0 done and the data has no problems; 1 the data has problems (listed); 2 the "
    "command cannot run (bad usage, missing, unreadable or non-UTF-8 file, invalid instrument or "
    "report specification, output not writable, internal error)"
)

#: Longest value printed (ids, titles, file names, cells) before it is cut.
VALUE_LIMIT = 200
#: Longest message printed: a problem or error message quotes several values.
MESSAGE_LIMIT = 1000

_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


class CannotRun(Exception):
    """The command cannot run for a reason that is not bad usage (exit code 2)."""


def _escape(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown(value: object, limit: int = VALUE_LIMIT) -> str:
    """``value`` as text that is safe to print on a terminal: every character that is not
    printable (control characters such as ESC, line breaks, bidirectional overrides, zero-width
    spaces, lone surrogates from undecodable file names) as a ``\\x1b``-style escape, and at most
    ``limit`` characters, the rest replaced by ``… (N characters)`` with the full length."""
    text = str(value)
    pieces: list[str] = []
    size = 0
    for ch in text:
        piece = ch if ch.isprintable() else _escape(ch)
        size += len(piece)
        if size > limit:
            pieces.append(f"… ({len(text)} characters)")
            break
        pieces.append(piece)
    return "".join(pieces)


def read_survey(
    path: Path,
    instrument: Optional[Instrument],
    *,
    strict: bool = True,
    delimiter: Optional[str] = None,
    encoding: Optional[str] = None,
    columns: Optional[dict[str, str]] = None,
    ignore_columns: Union[list[str], str, None] = None,
    profile: Optional[Path] = None,
    max_input_bytes: Optional[int] = None,
    max_field_bytes: Optional[int] = None,
    max_columns: Optional[int] = None,
) -> Survey:
    """Reads CSV, or JSON records when the file name ends in ``.json``; the ``max_*`` limits
    default to the readers' own."""
    if path.suffix.lower() == ".json":
        if delimiter is not None:
            raise argparse.ArgumentTypeError("--delimiter applies to CSV files only")
        return Survey.from_json(
            path,
            instrument,
            strict=strict,
            encoding=cast(Any, encoding),
            columns=columns,
            ignore_columns=cast(Any, ignore_columns),
            profile=profile,
            max_input_bytes=max_input_bytes,
            max_field_bytes=max_field_bytes,
            max_columns=max_columns,
        )
    return Survey.from_csv(
        path,
        instrument,
        strict=strict,
        delimiter=delimiter,
        encoding=cast(Any, encoding),
        columns=columns,
        ignore_columns=cast(Any, ignore_columns),
        profile=profile,
        max_input_bytes=max_input_bytes,
        max_field_bytes=max_field_bytes,
        max_columns=max_columns,
    )


class ImportOptions(TypedDict):
    """The import keywords of the command line (``None``: not given)."""

    encoding: Optional[str]
    columns: Optional[dict[str, str]]
    ignore_columns: Union[list[str], str, None]
    profile: Optional[Path]


def add_import_options(p: argparse.ArgumentParser) -> None:
    """--encoding, --column, --ignore-column, --ignore-unknown-columns, --profile."""
    p.add_argument("--encoding", metavar="NAME",
                   help="file encoding: utf-8 (default), windows-1252, latin-1 or utf-16")
    p.add_argument("--column", action="append", metavar="HEADER=COLUMN", default=[],
                   help="read the input column HEADER as instrument column or attribute COLUMN, "
                   "e.g. --column Gemeente=municipality (repeatable)")
    p.add_argument("--ignore-column", action="append", metavar="HEADER", default=[],
                   help="leave the input column HEADER out (repeatable)")
    p.add_argument("--ignore-unknown-columns", action="store_true",
                   help="leave out every input column the instrument does not define")
    p.add_argument("--profile", type=Path, metavar="FILE",
                   help="import profile JSON (encoding, delimiter, columns, ignore_columns); "
                   "not together with the options above")


def import_of(args: argparse.Namespace) -> ImportOptions:
    columns: dict[str, str] = {}
    for pair in args.column:
        header, sep, column = pair.partition("=")
        if not sep or not header or not column:
            raise argparse.ArgumentTypeError(
                f"--column takes HEADER=COLUMN, e.g. Gemeente=municipality, not {pair!r}"
            )
        columns[header] = column
    if args.ignore_unknown_columns and args.ignore_column:
        raise argparse.ArgumentTypeError(
            "--ignore-unknown-columns already leaves out every unknown column; drop --ignore-column"
        )
    ignore: Union[list[str], str, None] = (
        "unknown" if args.ignore_unknown_columns else (args.ignore_column or None)
    )
    return ImportOptions(
        encoding=args.encoding,
        columns=columns or None,
        ignore_columns=ignore,
        profile=args.profile,
    )


class Limits(TypedDict):
    """The readers' limits as keywords (``None``: the default)."""

    max_input_bytes: Optional[int]
    max_field_bytes: Optional[int]
    max_columns: Optional[int]


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """--max-input-bytes, --max-field-bytes, --max-columns: the readers' limits."""
    p.add_argument("--max-input-bytes", type=int, metavar="N",
                   help="largest file read (default: 256 MiB)")
    p.add_argument("--max-field-bytes", type=int, metavar="N",
                   help="longest single field (default: 1 MiB)")
    p.add_argument("--max-columns", type=int, metavar="N",
                   help="most columns (default: 65536)")


def limits_of(args: argparse.Namespace) -> Limits:
    limits = Limits(
        max_input_bytes=args.max_input_bytes,
        max_field_bytes=args.max_field_bytes,
        max_columns=args.max_columns,
    )
    for option, value in [
        ("--max-input-bytes", args.max_input_bytes),
        ("--max-field-bytes", args.max_field_bytes),
        ("--max-columns", args.max_columns),
    ]:
        if value is not None and value < 1:
            raise argparse.ArgumentTypeError(f"{option} must be a positive number")
    return limits


def summarise(survey: Survey, out: TextIO) -> None:
    """The survey's repr and answered / 'weet niet' / missing cells per question."""
    print(shown(repr(survey), MESSAGE_LIMIT), file=out)
    totals: dict[str, list[int]] = {}
    for s in survey.item_summary():
        t = totals.setdefault(shown(s["question"]), [0, 0, 0, 0, 0, 0])
        t[0] += 1
        t[1] += int(s["asked"])
        t[2] += s["answered"]
        t[3] += s["dont_know"]
        t[4] += s["missing"]
        t[5] += s["dropped"]
    width = max([len("question"), *map(len, totals)])
    print(file=out)
    print(
        f"{'question':<{width}}  {'columns':>9}  {'answered':>9}  {'weet niet':>9}  {'missing':>9}"
        f"  {'dropped':>9}",
        file=out,
    )
    for question, (n, asked, answered, dont_know, missing, dropped) in totals.items():
        cols = f"{asked}/{n}"
        print(
            f"{question:<{width}}  {cols:>9}  {answered:>9}  {dont_know:>9}  {missing:>9}"
            f"  {dropped:>9}",
            file=out,
        )
    print(
        "(cells summed over each question's data columns; columns = present in the input / "
        "defined; dropped = answers left out because they were invalid, counted in missing)",
        file=out,
    )
    ignored = survey.ignored_columns
    if ignored:
        print(f"ignored columns: {', '.join(shown(c) for c in ignored)}", file=out)


def print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    if not problems:
        print("no problems", file=out)
        return
    print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}:", file=out)
    for p in problems:
        print(f"  {shown(p, MESSAGE_LIMIT)}", file=out)


def render(table: Table, *, group: str = "all", max_rows: int = 25) -> str:
    """A compact text view of one group of a table: one line per item, printed percentages by
    category (rows outside the base left out), and the base."""
    rows = [r for r in table.rows if r["group"] == group and r["in_base"]]
    categories: list[str] = []
    lines: dict[str, dict[str, str]] = {}
    bases: dict[str, float] = {}
    for r in rows:
        key = shown(r["item"] or r["question"])
        category = shown(r["category"])
        if category not in categories:
            categories.append(category)
        printed = r["printed"]
        lines.setdefault(key, {})[category] = "" if printed is None else f"{printed}%"
        bases[key] = r["base"]
    width = max([len("item"), *map(len, lines)])
    cw = max([6, *map(len, categories)])
    out = [f"{shown(table.title)} [{shown(table.measure)}, group {shown(group)}]"]
    warning = table.warning_text()
    if warning is not None:
        out.append(f"  {shown(warning, limit=400)}")
    out.append(f"  {'item':<{width}}  {'base':>6}  " + "  ".join(f"{c:>{cw}}" for c in categories))
    for key, cells in list(lines.items())[:max_rows]:
        base = bases[key]
        base_text = f"{base:.0f}" if base == int(base) else f"{base:.2f}"
        out.append(
            f"  {key:<{width}}  {base_text:>6}  "
            + "  ".join(f"{cells.get(c, ''):>{cw}}" for c in categories)
        )
    if len(lines) > max_rows:
        out.append(f"  … {len(lines) - max_rows} more items")
    return "\n".join(out)


def _instrument(path: Optional[Path]) -> Optional[Instrument]:
    return None if path is None else Instrument.from_json_path(path)


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    instrument = _instrument(args.instrument)
    try:
        survey = read_survey(
            args.path,
            instrument,
            strict=not args.lenient,
            delimiter=args.delimiter,
            **import_of(args),
            **limits_of(args),
        )
    except ValidationError as e:
        if args.lenient:
            print(f"{shown(args.path)}: the file cannot be read at all", file=out)
        else:
            print(
                f"{shown(args.path)}: the file has problems; nothing was read "
                "(--lenient keeps the valid values)",
                file=out,
            )
        print_problems(e.problems, out)
        return EXIT_PROBLEMS
    summarise(survey, out)
    print(file=out)
    print_problems(survey.problems, out)
    return EXIT_PROBLEMS if survey.problems else EXIT_OK


def read_spec(path: Optional[Path]) -> ReportSpec:
    """The specification in ``path`` (UTF-8, with or without a byte-order mark), or the 2013
    report's."""
    if path is None:
        return ReportSpec.doe_democratie_2013()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CannotRun(
            f"{shown(path)}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the report specification as UTF-8"
        ) from None
    return ReportSpec.from_json(text)


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    if args.data is None and args.instrument is not None:
        raise argparse.ArgumentTypeError("--instrument needs --data (the file to read with it)")
    # A bad specification stops the command before anything is read, printed or written.
    spec = read_spec(args.spec)
    instrument = _instrument(args.instrument)
    if args.data is None:
        print(
            "data: the bundled SYNTHETIC reconstruction of the 2013 survey (invented answers that "
            "reproduce the published numbers; see doe_democratie.datasets)",
            file=out,
        )
        survey = datasets.doe_democratie_2013()
        data_source = BUNDLED_SOURCE
    else:
        print(f"data: {shown(args.data)}", file=out)
        data_source = f"het bestand {args.data.name}"
        try:
            survey = read_survey(args.data, instrument, **import_of(args), **limits_of(args))
        except ValidationError as e:
            print(
                f"{shown(args.data)}: the data has problems; run `python -m doe_democratie "
                f"validate {shown(args.data)} --lenient` to list them all",
                file=out,
            )
            print_problems(e.problems, out)
            return EXIT_PROBLEMS
    summarise(survey, out)
    print(file=out)
    print_problems(survey.problems, out)

    report = spec.run(survey, strict=args.strict)
    written = report.write_dir(
        args.out, template_dir=args.templates, data_source=data_source,
        bundled=args.data is None,
    )
    if args.xlsx is not None:
        report.to_xlsx(args.xlsx, charts=True)

    print(file=out)
    print(f"report: {shown(spec.title, 100)}", file=out)
    ids = [shown(t.id) for t in report.tables]
    width = max(map(len, ids + [shown(s["figure"]) for s in report.skipped]), default=0)
    for id_, t in zip(ids, report.tables):
        print(f"  {id_:<{width}}  {len(t):>4} rows  {shown(t.title, 90)}", file=out)
    for skip in report.skipped:
        print(f"  {shown(skip['figure']):<{width}}  skipped: {shown(skip['reason'], 200)}", file=out)
    if report.tables:
        wanted = [t for t in report.tables if t.id == "fig_3_3"]
        print(file=out)
        print(render(wanted[0] if wanted else report.tables[0]), file=out)
    print(file=out)
    csvs = sum(1 for name in written if name.endswith(".csv"))
    print(
        f"wrote {len(written)} files to {shown(args.out)} ({csvs} figure CSVs, report.json, "
        f"index.html, the HTML report); open {shown(Path(args.out) / 'index.html')}",
        file=out,
    )
    if args.xlsx is not None:
        print(f"wrote the workbook {shown(args.xlsx)} (an index sheet and one sheet per figure)",
              file=out)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m doe_democratie",
        description="Validate survey data and reproduce the 2013 'doe-democratie' report.",
        epilog=EXIT_CODES,
    )
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser(
        "validate",
        help="check a respondent file against the instrument",
        description="Reads PATH (CSV, or JSON records for *.json) against the instrument and "
        "prints the survey, per-question totals and every problem.",
        epilog=EXIT_CODES,
    )
    v.add_argument("path", type=Path, metavar="PATH")
    v.add_argument("--instrument", type=Path, metavar="FILE", help="instrument JSON file "
                   "(default: the built-in 2013 instrument)")
    v.add_argument("--lenient", action="store_true",
                   help="keep valid values and list every problem (default: refuse the file, listing "
                   "its problems)")
    v.add_argument("--delimiter", metavar="X",
                   help="CSV delimiter (default: ',' or ';' from the header)")
    add_import_options(v)
    add_limit_options(v)

    r = sub.add_parser(
        "report",
        help="run a report specification and write its tables",
        description="Validates and summarises the data, runs the report specification and "
        "writes one CSV per figure, report.json and index.html (and with --xlsx an Excel "
        "workbook).",
        epilog=EXIT_CODES,
    )
    r.add_argument("--data", type=Path, metavar="PATH", help="respondent file (default: the "
                   "bundled synthetic reconstruction of the 2013 data)")
    r.add_argument("--instrument", type=Path, metavar="FILE", help="instrument JSON file for "
                   "--data (default: the built-in 2013 instrument)")
    r.add_argument("--spec", type=Path, metavar="FILE",
                   help="report specification JSON (default: the 2013 report)")
    r.add_argument("--out", type=Path, metavar="DIR", default=DEFAULT_OUT,
                   help=f"output directory (default: {DEFAULT_OUT})")
    r.add_argument("--templates", type=Path, metavar="DIR",
                   help="folder of HTML report templates that replace the built-in ones of the "
                   "same name (report.html, title.html, figure.html, methods.html, "
                   "inconsistencies.html, style.css; see docs/report-format.md)")
    r.add_argument("--strict", action="store_true",
                   help="stop at a figure whose question the data lacks (default: leave it out "
                   "and say so in the report)")
    r.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the report as an "
                   "Excel workbook at FILE: an index sheet and one sheet per figure with its chart (the folder "
                   "must exist; --out is written first)")
    add_import_options(r)
    add_limit_options(r)
    return p


def main(argv: Optional[Sequence[str]] = None, out: Optional[TextIO] = None) -> int:
    """Runs the command line on ``argv`` (default: ``sys.argv[1:]``), printing to ``out``
    (default: ``sys.stdout``); returns the exit code."""
    out = sys.stdout if out is None else out
    p = parser()
    args = p.parse_args(argv)
    command = cmd_validate if args.command == "validate" else cmd_report
    try:
        return command(args, out)
    except argparse.ArgumentTypeError as e:
        p.print_usage(sys.stderr)
        print(f"error: {shown(e, MESSAGE_LIMIT)}", file=sys.stderr)
    except (OSError, DoeDemocratieError, CannotRun) as e:
        print(f"error: {shown(e, MESSAGE_LIMIT)}", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 -- exit code 1 must keep meaning "the data has problems"
        print(
            f"error: internal error ({type(e).__name__}: {shown(e, MESSAGE_LIMIT)}); please "
            "report it",
            file=sys.stderr,
        )
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
