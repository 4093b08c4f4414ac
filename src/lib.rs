//! # doe_democratie
//!
//! Survey ontology, validated ingestion and aggregation rules for surveys among Dutch
//! municipalities, with the 2013 BZK 'doe-democratie' instrument built in.

pub mod data;
mod error;
pub mod instrument;

pub use error::{Error, Result};
pub use instrument::Instrument;
