"""Survey ontology, validated ingestion and analysis for surveys among Dutch municipalities.

The 2013 BZK 'doe-democratie' instrument and report are built in::

    import doe_democratie as dd
    survey = dd.Survey.from_csv("antwoorden.csv")          # strict: first problem raises
    survey = dd.Survey.from_pandas(df, strict=False)       # lenient: see survey.problems

    table = survey.net_shares("strategy_use", "top2", by="size_class")   # a tidy Table
    table.to_pandas()
    report = dd.ReportSpec.doe_democratie_2013().run(survey)            # one Table per figure

``doe_democratie.datasets.doe_democratie_2013()`` is a *synthetic* reconstruction of the 2013
microdata (invented respondents that reproduce the published numbers), not real answers.
``python -m doe_democratie validate|report`` is the command line.

All classes are implemented in Rust (``doe_democratie._core``); this package only re-exports them.
"""

from ._core import (
    Chart,
    DataTable,
    DoeDemocratieError,
    Frame,
    Instrument,
    InstrumentError,
    InvalidArgumentError,
    Problem,
    RenderError,
    Report,
    ReportSpec,
    Representativeness,
    Survey,
    Table,
    UnknownIdError,
    ValidationError,
    WeightingError,
    Weights,
    __version__,
)
from . import datasets

__all__ = [
    "Chart",
    "DataTable",
    "DoeDemocratieError",
    "Instrument",
    "InstrumentError",
    "InvalidArgumentError",
    "Problem",
    "RenderError",
    "Report",
    "ReportSpec",
    "Survey",
    "Table",
    "UnknownIdError",
    "ValidationError",
    "WeightingError",
    "Frame",
    "Weights",
    "Representativeness",
    "__version__",
]
