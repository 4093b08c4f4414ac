//! Respondent data: readers (CSV, JSON records, in-memory columns) and a columnar store validated
//! against an [`Instrument`](crate::Instrument).

#![warn(clippy::indexing_slicing)]

mod answers;
mod columns;
mod dialect;
mod frame;
mod limesurvey;
mod memo;
mod options;
mod problem;
mod raw;
mod responses;
mod survey;
mod unquoted;
mod validate;
mod wide;

pub use columns::ColumnData;
pub use dialect::{CsvDialect, Decimal};
pub use frame::{Frame, FrameMunicipality, FrameStratum, Strata, FRAME_ATTRIBUTES};
pub use limesurvey::{
    LimeOption, LimeQuestion, LimeSurvey, NotConverted, ResponseOptions, LIMESURVEY_FIELDS,
};
pub use memo::Memo;
pub use options::{
    check_columns, delimiter_byte, Encoding, IgnoreColumns, ImportProfile, ReadOptions,
    MAX_PROBLEMS, PROFILE_FORMAT,
};
pub use problem::{echo, Problem, ProblemKind, ValidationReport, ECHO_CHARS};
pub(crate) use raw::read_bytes;
pub use raw::{parse_csv, parse_json_records, Cell, CellRef, Limits, RawTable, RecordsBuilder};
pub use responses::{Municipality, Responses};
pub use survey::Survey;
pub use validate::validate;
pub use wide::{Column, DataTable};
