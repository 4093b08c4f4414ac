//! Where consolidation had to choose: respondents per municipality and disagreeing answers.

use serde::{Deserialize, Serialize};

use super::kernel::{column_codes, Layout};
use super::Groups;
use crate::data::Survey;
use crate::error::Result;
use crate::instrument::{Code, ColumnKind, Unit, NO_ANSWER};

/// A municipality whose respondents gave different answers to one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    /// Municipality id (the `municipality` cell).
    pub municipality: String,
    /// Data column name.
    pub column: String,
    /// Every respondent of the municipality who answered the column: respondent id and code, in
    /// input order (empty cells left out).
    pub answers: Vec<(String, Code)>,
}

/// What consolidation works with: how many respondents each municipality has and where they
/// disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Per municipality, in the order of
    /// [`Responses::municipalities`](crate::data::Responses::municipalities): its id and its
    /// number of respondents.
    pub respondents: Vec<(String, usize)>,
    /// Every disagreement, as [`disagreements`] lists them.
    pub disagreements: Vec<Disagreement>,
}

impl Provenance {
    /// Number of municipalities whose respondents disagree on `column`.
    pub fn n_disagreeing(&self, column: &str) -> usize {
        self.disagreements
            .iter()
            .filter(|d| d.column == column)
            .count()
    }

    /// Number of municipalities with more than one respondent.
    pub fn n_with_several(&self) -> usize {
        self.respondents.iter().filter(|(_, n)| *n > 1).count()
    }
}

/// Respondents per municipality and every disagreement of the survey.
///
/// ```
/// use doe_democratie::consolidate::provenance;
/// use doe_democratie::{Instrument, Survey};
/// let csv = "respondent_id,municipality,forms_occurrence.social_entrepreneurship\n\
///            r1,GM0001,Ja\nr2,GM0001,Nee\nr3,GM0002,Ja\n";
/// let survey = Survey::read_csv_str(csv, &Instrument::doe_democratie_2013(), &Default::default()).unwrap();
/// let p = provenance(&survey).unwrap();
/// assert_eq!(p.respondents, vec![("GM0001".to_string(), 2), ("GM0002".to_string(), 1)]);
/// assert_eq!(p.n_disagreeing("forms_occurrence.social_entrepreneurship"), 1);
/// assert_eq!(p.disagreements[0].answers, vec![("r1".to_string(), 1), ("r2".to_string(), 2)]);
/// ```
///
/// Errors: [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a survey too large to
/// group ([`Groups::of`]).
pub fn provenance(survey: &Survey) -> Result<Provenance> {
    let groups = Groups::shared(survey)?;
    let respondents = survey
        .responses()
        .municipalities()
        .iter()
        .enumerate()
        .map(|(m, muni)| (muni.id.clone(), groups.size(m)))
        .collect();
    Ok(Provenance {
        respondents,
        disagreements: disagreements_in(survey, &groups)?,
    })
}

/// Every municipality × column where the municipality's respondents gave different non-empty
/// codes, ordered by municipality (as in
/// [`Responses::municipalities`](crate::data::Responses::municipalities)) and then by column
/// (questionnaire order).
///
/// Only the columns that consolidation merges are checked: coded and flag columns of
/// municipality-unit questions. Respondent-unit questions are analysed per respondent, so
/// different answers within a municipality are no conflict there.
///
/// Errors as [`provenance`].
pub fn disagreements(survey: &Survey) -> Result<Vec<Disagreement>> {
    disagreements_in(survey, &*Groups::shared(survey)?)
}

fn disagreements_in(survey: &Survey, groups: &Groups) -> Result<Vec<Disagreement>> {
    let instrument = survey.instrument();
    let responses = survey.responses();
    let ids = responses.respondent_ids();
    let mut found: Vec<(usize, usize, Disagreement)> = Vec::new();
    for (pos, col) in instrument.columns().iter().enumerate() {
        if col.kind == ColumnKind::Text
            || !responses.is_asked(pos)
            || instrument.questions()[col.question].unit != Unit::Municipality
        {
            continue;
        }
        let layout = Layout::of(instrument, pos)?;
        let codes = column_codes(survey, pos)?;
        for m in 0..groups.n_groups() {
            let members = groups.members(m);
            if members.len() < 2 {
                continue;
            }
            let answered = || {
                members
                    .iter()
                    .map(|&r| (r as usize, codes[r as usize]))
                    .filter(|&(_, c)| c != NO_ANSWER && layout.slot(c).is_some())
            };
            let mut it = answered().map(|(_, c)| c);
            let Some(first) = it.next() else { continue };
            if it.all(|c| c == first) {
                continue;
            }
            found.push((
                m,
                pos,
                Disagreement {
                    municipality: responses.municipalities()[m].id.clone(),
                    column: col.name.clone(),
                    answers: answered().map(|(r, c)| (ids[r].clone(), c)).collect(),
                },
            ));
        }
    }
    found.sort_by_key(|&(m, pos, _)| (m, pos));
    Ok(found.into_iter().map(|(_, _, d)| d).collect())
}
