//! Measures over a [`Survey`](crate::Survey): frequency distributions with item-specific bases,
//! net shares (top-2 box), mention rankings, breakdowns by respondent attribute — each returning a
//! tidy [`Table`] — and the report's rounding rules.

mod measures;
mod round;
mod table;

pub use measures::{
    frequencies, mentions, net_shares, Attribute, Base, Breakdown, ItemFilter, Options,
};
pub use round::{largest_remainder, round_half_up};
pub use table::{Row, Table, ROW_FIELDS};
