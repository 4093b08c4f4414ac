"""Survey ontology, validated ingestion and analysis for surveys among Dutch municipalities.

The 2013 BZK 'doe-democratie' instrument and report are built in::

    import doe_democratie as dd
    survey = dd.Survey.from_csv("antwoorden.csv")          # strict: any problem raises, all listed
    survey = dd.Survey.from_pandas(df, strict=False)       # lenient: see survey.problems

    table = survey.net_shares("strategy_use", "top2", by="size_class")   # a tidy Table
    table.to_pandas()
    report = dd.ReportSpec.doe_democratie_2013().run(survey)            # one Table per figure

``doe_democratie.datasets.doe_democratie_2013()`` is a *synthetic* reconstruction of the 2013
microdata (invented respondents that reproduce the published numbers), not real answers.
``python -m doe_democratie validate|report`` is the command line.

``doe_democratie.spss`` reads SPSS ``.sav``/``.zsav`` files (data, labels, user-missing values,
multiple-response sets) into a ``Survey``, derives an ``Instrument`` draft from their dictionary
and writes a survey back as a labelled ``.sav`` (``pip install 'doe-democratie[spss]'``)::

    from doe_democratie import spss
    draft = spss.instrument_from_sav("enquete.sav")     # save_json, edit, reuse
    survey = spss.read_sav("enquete.sav", draft)
    spss.write_sav(survey, "geconsolideerd.sav")

``LimeSurvey`` reads a LimeSurvey structure export (``.lss`` or the tab-separated ``.txt``),
drafts an ``Instrument`` from it and reads its CSV response export into a ``Survey``::

    ls = dd.LimeSurvey.from_lss("enquete.lss")
    ls.instrument().save_json("enquete.json")                 # edit: units, nets, labels
    survey = ls.read_responses("results.csv", dd.Instrument.from_json_path("enquete.json"),
                               municipality_column="GEM")

All classes are implemented in Rust (``doe_democratie._core``); this package only re-exports them.
"""

from ._core import (
    ATTRIBUTE_COLUMNS,
    Chart,
    DataTable,
    DoeDemocratieError,
    Frame,
    ImportProfile,
    Instrument,
    InstrumentError,
    InvalidArgumentError,
    LimeSurvey,
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
from . import datasets, spss  # spss imports pyreadstat only when a function is called

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "Chart",
    "DataTable",
    "DoeDemocratieError",
    "ImportProfile",
    "Instrument",
    "InstrumentError",
    "InvalidArgumentError",
    "LimeSurvey",
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
