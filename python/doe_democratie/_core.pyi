# Hand-written stubs for the Rust extension module; checked with
# `python -m mypy.stubtest doe_democratie._core`.
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Callable, ClassVar, Literal, TypedDict, Union, final

import numpy as np
import numpy.typing as npt
from typing_extensions import NotRequired, Required

__all__ = [
    "__version__",
    "ATTRIBUTE_COLUMNS",
    "Instrument",
    "Survey",
    "Problem",
    "Table",
    "Chart",
    "DataTable",
    "ReportSpec",
    "Report",
    "DoeDemocratieError",
    "ValidationError",
    "InstrumentError",
    "UnknownIdError",
    "InvalidArgumentError",
    "WeightingError",
    "RenderError",
    "Frame",
    "Weights",
    "Representativeness",
    "LimeSurvey",
    "ImportProfile",
]

__version__: str
ATTRIBUTE_COLUMNS: tuple[str, ...]

_StrPath = str | os.PathLike[str]
_Encoding = Literal[
    "utf-8", "utf8", "utf-8-sig", "windows-1252", "cp1252", "latin-1", "latin1", "iso-8859-1",
    "utf-16",
]
_IgnoreColumns = Sequence[str] | Literal["unknown"]

_ProblemKind = Literal[
    "unknown_column",
    "missing_column",
    "duplicate_column",
    "invalid_code",
    "too_many_picks",
    "duplicate_respondent",
    "missing_respondent_id",
    "missing_municipality",
    "invalid_inhabitants",
    "invalid_size_class",
    "invalid_attribute",
    "inconsistent_municipality",
    "encoding",
    "malformed",
    "wrong_type",
    "limit_exceeded",
]

class _Item(TypedDict):
    id: str
    label_nl: str
    label_en: str
    short_label_nl: str | None
    short_label_en: str | None
    tags: dict[str, str]

class _Question(TypedDict):
    id: str
    kind: Literal["single_choice", "grid", "multi_select", "open_text"]
    text_nl: str
    text_en: str
    unit: Literal["municipality", "respondent"]
    scale: str | None
    items: list[_Item]
    max_picks: int | None
    columns: list[str]

class _Category(TypedDict):
    code: int
    id: str
    label_nl: str
    label_en: str

class _MissingCode(TypedDict):
    code: int
    id: str
    label_nl: str
    label_en: str
    kind: Literal["dont_know", "refused", "not_applicable"]
    in_base: bool

class _Net(TypedDict):
    id: str
    label_nl: str
    label_en: str
    codes: list[int]

class _Scale(TypedDict):
    id: str
    label_en: str
    categories: list[_Category]
    missing: list[_MissingCode]
    nets: list[_Net]

class _ItemSummary(TypedDict):
    column: str
    question: str
    item: str | None
    asked: bool
    answered: int
    dont_know: int
    missing: int
    picked: int | None
    dropped: int

class _SkippedFigure(TypedDict):
    figure: str
    title: str
    question: str
    reason: str

class _DataWarning(TypedDict):
    column: str | None
    reason: _ProblemKind
    count: int

_Unit = Literal["municipality", "respondent"]
_Attribute = Literal["size_class", "province", "role"]
_PolicyName = Literal["split", "any_yes", "median", "max", "mode", "prefer_role"]
_BaseName = Literal["scale", "substantive"]

class _Breakdown(TypedDict, total=False):
    """``by=`` as a dict: the attribute, optionally with its levels merged into named groups."""

    attribute: Required[_Attribute]
    groups: Mapping[str, Sequence[str]] | None

# Mapping values are plain `str` (checked at run time): a dict literal kept in a variable is
# inferred as `dict[str, str]` / `dict[str, object]`, which would not match Literal or TypedDict.
_By = Union[_Attribute, _Breakdown, Mapping[str, Any]]
_Rules = Mapping[str, str]

class _Row(TypedDict):
    question: str
    item: str | None
    group: str
    category: str
    label_nl: str
    item_label: str | None
    category_label: str
    count: float
    base: float
    percentage: float | None
    printed: int | None
    unit: _Unit
    in_base: bool
    rank: int | None
    tied: bool | None
    # With inference (frame=, weights=, ci= or test=):
    estimate: NotRequired[float]
    se: NotRequired[float]
    lower: NotRequired[float | None]
    upper: NotRequired[float | None]
    method: NotRequired[_CiMethod | None]
    deff: NotRequired[float | None]
    n_eff: NotRequired[float]
    df: NotRequired[float]
    units: NotRequired[float]
    small_base: NotRequired[bool]
    letters: NotRequired[str | None]

_Design = Literal["srs", "stratified", "post_stratified", "raked"]
_CiMethod = Literal["wald", "wilson", "clopper_pearson", "logit", "korn_graubard", "beta"]
_TestMethod = Literal[
    "pearson", "rao_scott", "rao_scott_first_order", "fisher", "permutation", "trend"
]
_Adjust = Literal["none", "holm", "bh"]

class _GroupTest(TypedDict):
    item: str | None
    method: _TestMethod
    statistic: float | None
    df: float | None
    ddf: float | None
    p_value: float | None
    p_adjusted: float | None
    note: str | None

class _TableInference(TypedDict):
    design: str
    kind: _Design
    ci: _CiMethod | None
    level: float
    frame_note: str | None
    adjust: _Adjust
    letters: dict[str, str]
    tests: list[_GroupTest]

class _WeightedColumn(TypedDict):
    column: str
    unit: _Unit
    units: npt.NDArray[np.uint32] | list[int]
    codes: npt.NDArray[np.uint16] | list[int]
    weights: npt.NDArray[np.float64] | list[float]
    n_units: int

class _Disagreement(TypedDict):
    municipality: str
    column: str
    answers: list[tuple[str, int]]

class _Provenance(TypedDict):
    respondents: dict[str, int]
    disagreements: list[_Disagreement]

# --- exceptions ------------------------------------------------------------------------------

class DoeDemocratieError(Exception):
    """Base class of every exception raised by doe_democratie."""

class ValidationError(DoeDemocratieError, ValueError):
    """Respondent data that does not fit the instrument."""

    problems: list[Problem]
    report: str

class InstrumentError(DoeDemocratieError, ValueError):
    """An invalid instrument definition, or an instrument file that cannot be parsed."""

    message: str
    at: str | None
    source_name: str | None
    line: int | None
    column: int | None

class UnknownIdError(DoeDemocratieError, KeyError):
    """A lookup by id that names nothing in the instrument or data."""

    kind: str
    id: str
    known: list[str]
    figure: str | None

class InvalidArgumentError(DoeDemocratieError, ValueError):
    """An argument outside its allowed values."""

    name: str
    message: str

class RenderError(DoeDemocratieError, ValueError):
    """Output that cannot be drawn or written: a chart of a table it does not fit, an image or
    workbook the renderer refuses, a report template that does not render."""

    what: str
    message: str

class WeightingError(DoeDemocratieError, ValueError):
    """Weights that cannot be computed as asked (raking that does not converge, a frame category
    without respondents, an empty cell)."""

    margin: str
    category: str | None
    message: str

# --- classes ---------------------------------------------------------------------------------

@final
class Problem:
    """One located problem found while reading respondent data."""

    def __new__(
        cls,
        kind: _ProblemKind,
        file: str,
        row: int | None,
        column: str | None,
        value: str | None,
        message: str,
    ) -> Problem: ...
    @property
    def kind(self) -> _ProblemKind: ...
    @property
    def file(self) -> str: ...
    @property
    def row(self) -> int | None: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(
        self,
    ) -> tuple[type[Problem], tuple[str, str, int | None, str | None, str | None, str]]: ...

@final
class Instrument:
    """A validated survey instrument: scales, questions, groupings and attributes."""

    @staticmethod
    def doe_democratie_2013() -> Instrument: ...
    @staticmethod
    def from_json(text: str) -> Instrument: ...
    @staticmethod
    def from_json_path(path: _StrPath) -> Instrument: ...
    def to_json(self) -> str: ...
    def save_json(self, path: _StrPath) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def title_nl(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    def question_ids(self) -> list[str]: ...
    def columns(self) -> list[str]: ...
    def scale_ids(self) -> list[str]: ...
    def question(self, id: str) -> _Question: ...
    def scale(self, id: str) -> _Scale: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], Instrument], tuple[str]]: ...

@final
class ImportProfile:
    """How one kind of export is read: encoding, delimiter, column mapping, ignored columns."""

    def __new__(
        cls,
        *,
        encoding: _Encoding | None = None,
        delimiter: str | None = None,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        description: str | None = None,
    ) -> ImportProfile: ...
    @staticmethod
    def from_json(text: str) -> ImportProfile: ...
    @staticmethod
    def from_json_path(path: _StrPath) -> ImportProfile: ...
    def to_json(self) -> str: ...
    def save_json(self, path: _StrPath) -> None: ...
    @property
    def encoding(self) -> Literal["utf-8", "windows-1252", "latin-1", "utf-16"]: ...
    @property
    def delimiter(self) -> str | None: ...
    @property
    def columns(self) -> dict[str, str]: ...
    @property
    def ignore_columns(self) -> list[str] | Literal["unknown"]: ...
    @property
    def description(self) -> str | None: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], ImportProfile], tuple[str]]: ...

@final
class Survey:
    """An instrument together with respondent data validated against it."""

    @staticmethod
    def from_csv(
        path: _StrPath,
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        delimiter: str | None = None,
        encoding: _Encoding | None = None,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
        max_input_bytes: int | None = None,
        max_field_bytes: int | None = None,
        max_columns: int | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_json(
        path: _StrPath,
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        encoding: _Encoding | None = None,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
        max_input_bytes: int | None = None,
        max_field_bytes: int | None = None,
        max_columns: int | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_records(
        records: Iterable[Mapping[Any, Any]],
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
        source: str | None = None,
        max_field_bytes: int | None = None,
        max_columns: int | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_dict(
        data: Mapping[Any, Iterable[Any]],
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
        source: str | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_pandas(
        df: Any,
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
        source: str | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_arrow(
        data: Any,
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
        source: str | None = None,
    ) -> Survey: ...
    @staticmethod
    def from_parquet(
        path: _StrPath,
        instrument: Instrument | None = None,
        *,
        strict: bool = True,
        columns: Mapping[str, str] | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        profile: ImportProfile | _StrPath | None = None,
        max_problems: int = 100,
    ) -> Survey: ...
    @property
    def n_respondents(self) -> int: ...
    @property
    def n_municipalities(self) -> int: ...
    @property
    def instrument(self) -> Instrument: ...
    @property
    def problems(self) -> list[Problem]: ...
    @property
    def ignored_columns(self) -> list[str]: ...
    def item_summary(self) -> list[_ItemSummary]: ...
    def frequencies(
        self,
        question: str,
        *,
        by: _By | None = None,
        rules: _Rules | None = None,
        items: Sequence[str] | None = None,
        tag: tuple[str, str] | None = None,
        base: _BaseName = "scale",
        lang: Literal["nl", "en"] = "nl",
        frame: Frame | None = None,
        design: _Design = "srs",
        strata: _FrameAttribute = "size_class",
        weights: Weights | None = None,
        fpc: bool = True,
        ci: _CiMethod | None = None,
        level: float = 0.95,
        test: _TestMethod | None = None,
        adjust: _Adjust = "none",
        n_perm: int = 9999,
        seed: int = 20130101,
    ) -> Table: ...
    def net_shares(
        self,
        question: str,
        net: str = "top2",
        *,
        by: _By | None = None,
        rules: _Rules | None = None,
        items: Sequence[str] | None = None,
        tag: tuple[str, str] | None = None,
        base: _BaseName = "scale",
        lang: Literal["nl", "en"] = "nl",
        frame: Frame | None = None,
        design: _Design = "srs",
        strata: _FrameAttribute = "size_class",
        weights: Weights | None = None,
        fpc: bool = True,
        ci: _CiMethod | None = None,
        level: float = 0.95,
        test: _TestMethod | None = None,
        adjust: _Adjust = "none",
        n_perm: int = 9999,
        seed: int = 20130101,
    ) -> Table: ...
    def mean_scores(
        self,
        question: str,
        *,
        by: _By | None = None,
        rules: _Rules | None = None,
        items: Sequence[str] | None = None,
        tag: tuple[str, str] | None = None,
        lang: Literal["nl", "en"] = "nl",
        frame: Frame | None = None,
        design: _Design = "srs",
        strata: _FrameAttribute = "size_class",
        weights: Weights | None = None,
        fpc: bool = True,
        ci: _CiMethod | None = None,
        level: float = 0.95,
        test: _TestMethod | None = None,
        adjust: _Adjust = "none",
        n_perm: int = 9999,
        seed: int = 20130101,
    ) -> Table: ...
    def mentions(
        self,
        question: str,
        *,
        by: _By | None = None,
        rules: _Rules | None = None,
        items: Sequence[str] | None = None,
        lang: Literal["nl", "en"] = "nl",
        frame: Frame | None = None,
        design: _Design = "srs",
        strata: _FrameAttribute = "size_class",
        weights: Weights | None = None,
        fpc: bool = True,
        ci: _CiMethod | None = None,
        level: float = 0.95,
        test: _TestMethod | None = None,
        adjust: _Adjust = "none",
        n_perm: int = 9999,
        seed: int = 20130101,
    ) -> Table: ...
    def respondents(self) -> DataTable: ...
    def municipalities(self) -> DataTable: ...
    def consolidated(self, *, rules: _Rules | None = None) -> DataTable: ...
    def consolidate(self, column: str, *, policy: _PolicyName | None = None) -> _WeightedColumn: ...
    def provenance(self) -> _Provenance: ...
    def disagreements(self) -> list[_Disagreement]: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def _repr_html_(self) -> str: ...
    def __reduce__(self) -> tuple[Callable[[str], Survey], tuple[str]]: ...
    def post_stratify(self, frame: Frame, by: _FrameAttribute = "size_class") -> Weights: ...
    def rake(
        self,
        frame: Frame,
        margins: Sequence[_FrameAttribute] = ("size_class", "province"),
        *,
        max_iterations: int = 100,
        tolerance: float = 1e-10,
        epsilon: float | None = None,
        trim: tuple[float, float] | None = None,
    ) -> Weights: ...
    def representativeness(
        self, frame: Frame, by: _FrameAttribute = "size_class"
    ) -> Representativeness: ...

_ChartKind = Literal["auto", "stacked", "diverging", "bars"]

@final
class Chart:
    """A chart of a :class:`Table`: the SVG document and its size in px."""

    @property
    def svg(self) -> str: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...
    def to_png(self, *, scale: float = 2.0) -> bytes: ...
    def _repr_svg_(self) -> str: ...

@final
class Table:
    """A tidy result table: one row per item × group × category."""

    def chart(
        self,
        *,
        kind: _ChartKind = "auto",
        width: float = 720.0,
        short_labels: bool = True,
        title: bool = True,
    ) -> Chart: ...
    @staticmethod
    def from_json(text: str) -> Table: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def rows(self) -> list[_Row]: ...
    @property
    def warnings(self) -> list[_DataWarning]: ...
    def warning_text(self) -> str | None: ...
    @property
    def inference(self) -> _TableInference | None: ...
    def find(self, item: str | None, group: str, category: str) -> _Row | None: ...
    def to_csv(self, *, sep: str = ",", decimal: Literal[".", ","] = ".", bom: bool = False) -> str: ...
    def to_json(self) -> str: ...
    def to_xlsx(self, path: _StrPath, *, charts: bool = False) -> None: ...
    def to_pandas(self) -> Any: ...
    def to_polars(self) -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def _repr_html_(self) -> str: ...
    def __reduce__(self) -> tuple[Callable[[str], Table], tuple[str]]: ...

@final
class DataTable:
    """A wide table, one row per municipality."""

    @property
    def columns(self) -> list[str]: ...
    def column(self, name: str) -> list[str | None] | list[float | None]: ...
    def to_csv(self, *, sep: str = ",", decimal: Literal[".", ","] = ".", bom: bool = False) -> str: ...
    def to_pandas(self) -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class ReportSpec:
    """A report specification: figures, each a question, a measure and options."""

    @staticmethod
    def doe_democratie_2013() -> ReportSpec: ...
    @staticmethod
    def from_json(text: str) -> ReportSpec: ...
    def to_json(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    def figure_ids(self) -> list[str]: ...
    def run(self, survey: Survey, *, strict: bool = False) -> Report: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], ReportSpec], tuple[str]]: ...

@final
class Report:
    """A computed report: the specification and one Table per figure."""

    @property
    def spec(self) -> ReportSpec: ...
    @property
    def tables(self) -> list[Table]: ...
    @property
    def skipped(self) -> list[_SkippedFigure]: ...
    def table(self, id: str) -> Table: ...
    def write_dir(
        self,
        path: _StrPath,
        *,
        template_dir: _StrPath | None = None,
        data_source: str | None = None,
        bundled: bool | None = None,
    ) -> list[str]: ...
    def to_xlsx(self, path: _StrPath, *, charts: bool = False) -> None: ...
    def to_html(
        self,
        *,
        template_dir: _StrPath | None = None,
        data_source: str | None = None,
        bundled: bool | None = None,
    ) -> str: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def _repr_html_(self) -> str: ...
    def __reduce__(self) -> tuple[Callable[[str], Report], tuple[str]]: ...

def _dataset(name: Literal["doe_democratie_2013"]) -> Survey:
    """A bundled dataset by name; use ``doe_democratie.datasets``."""

def _fold(text: str) -> str:
    """A name as the library compares labels and aliases (case, accents, width ignored)."""

# --- population frames and weights -----------------------------------------------------------

_FrameAttribute = Literal["size_class", "province"]
_Strata = Mapping[str, Union[tuple[Sequence[str], int], int]]

class _FrameMunicipality(TypedDict):
    code: str
    name: str | None
    inhabitants: int | None
    province: str
    size_class: str | None

class _Margin(TypedDict):
    attribute: str
    categories: list[str]
    of_unit: list[int]
    targets: list[float]

@final
class Frame:
    """A population frame: counts per stratum of size_class and/or province."""

    @staticmethod
    def municipalities_2013() -> Frame: ...
    @staticmethod
    def from_csv(path: _StrPath, instrument: Instrument | None = None) -> Frame: ...
    @staticmethod
    def from_pandas(df: Any, instrument: Instrument | None = None) -> Frame: ...
    @staticmethod
    def from_strata(
        attribute: _FrameAttribute, strata: _Strata, instrument: Instrument | None = None
    ) -> Frame: ...
    def with_strata(
        self, attribute: _FrameAttribute, strata: _Strata, instrument: Instrument | None = None
    ) -> Frame: ...
    @property
    def total(self) -> int: ...
    @property
    def note(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def attributes(self) -> list[str]: ...
    def margin(self, attribute: str) -> dict[str, tuple[list[str], int]]: ...
    def stratum_of(self, attribute: str, level: str) -> int | None: ...
    @property
    def municipalities(self) -> list[_FrameMunicipality] | None: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], Frame], tuple[str]]: ...

@final
class Weights:
    """Municipality weights calibrated to a frame (post-stratified or raked)."""

    @property
    def values(self) -> list[float]: ...
    @property
    def municipalities(self) -> list[str]: ...
    @property
    def method(self) -> Literal["post_stratified", "raked"]: ...
    @property
    def kish_deff(self) -> float: ...
    @property
    def effective_n(self) -> float: ...
    @property
    def iterations(self) -> int: ...
    @property
    def trimmed(self) -> int: ...
    @property
    def frame_total(self) -> int: ...
    @property
    def margins(self) -> list[_Margin]: ...
    def to_pandas(self) -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], Weights], tuple[str]]: ...

@final
class Representativeness:
    """The responding municipalities against a frame margin, with a chi-square test."""

    @property
    def attribute(self) -> str: ...
    @property
    def statistic(self) -> float: ...
    @property
    def df(self) -> int: ...
    @property
    def p_value(self) -> float: ...
    @property
    def min_expected(self) -> float: ...
    @property
    def n_sample(self) -> int: ...
    @property
    def frame_total(self) -> int: ...
    @property
    def not_in_frame(self) -> list[str]: ...
    def to_csv(self) -> str: ...
    def to_pandas(self) -> Any: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], Representativeness], tuple[str]]: ...

# --- LimeSurvey ------------------------------------------------------------------------------

class _NotConverted(TypedDict):
    code: str
    question_type: str
    reason: str

@final
class LimeSurvey:
    """A LimeSurvey survey structure: drafted into an Instrument, its response export read into a
    Survey."""

    @staticmethod
    def from_lss(path: _StrPath, language: str | None = None) -> LimeSurvey: ...
    @staticmethod
    def from_lss_text(
        text: str, source_name: str = "<string>", language: str | None = None
    ) -> LimeSurvey: ...
    @staticmethod
    def from_tsv(path: _StrPath, language: str | None = None) -> LimeSurvey: ...
    @staticmethod
    def from_tsv_text(
        text: str, source_name: str = "<string>", language: str | None = None
    ) -> LimeSurvey: ...
    @property
    def survey_id(self) -> str | None: ...
    @property
    def base_language(self) -> str: ...
    @property
    def languages(self) -> list[str]: ...
    @property
    def language(self) -> str: ...
    def question_codes(self) -> list[str]: ...
    def instrument(self) -> Instrument: ...
    def not_converted(self) -> list[_NotConverted]: ...
    def read_responses(
        self,
        path: _StrPath,
        instrument: Instrument | None = None,
        *,
        municipality_column: str,
        respondent_id_column: str = "id",
        strict: bool = True,
        delimiter: str | None = None,
        encoding: _Encoding | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        max_problems: int = 100,
    ) -> Survey: ...
    def read_responses_text(
        self,
        text: str,
        instrument: Instrument | None = None,
        *,
        municipality_column: str,
        respondent_id_column: str = "id",
        strict: bool = True,
        delimiter: str | None = None,
        encoding: _Encoding | None = None,
        ignore_columns: _IgnoreColumns | None = None,
        max_problems: int = 100,
    ) -> Survey: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Callable[[str], LimeSurvey], tuple[str]]: ...
