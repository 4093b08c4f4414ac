//! Respondents grouped by municipality, computed once per survey.

use std::sync::Arc;

use super::to_u32;
use crate::data::Survey;
use crate::error::Result;

/// The respondents of a survey grouped by municipality in a compressed (CSR) layout: the
/// respondents of municipality `m` are `members[offsets[m]..offsets[m + 1]]`, in input order.
///
/// Built once per survey in one counting pass ([`Groups::of`]) and reused for every column, so
/// consolidating a column touches each respondent once and allocates nothing per municipality.
/// It also holds each respondent's role rank for [`Policy::PreferRole`](super::Policy::PreferRole).
///
/// ```
/// use doe_democratie::{consolidate::Groups, Instrument, Survey};
/// let csv = "respondent_id,municipality\nr1,GM0001\nr2,GM0002\nr3,GM0001\n";
/// let survey = Survey::read_csv_str(csv, &Instrument::doe_democratie_2013(), &Default::default()).unwrap();
/// let groups = Groups::of(&survey).unwrap();
/// assert_eq!(groups.members(0), &[0, 2]);
/// assert_eq!(groups.members(1), &[1]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    offsets: Vec<u32>,
    members: Vec<u32>,
    role_rank: Vec<u32>,
}

impl Groups {
    /// Groups the respondents of `survey` by municipality (a stable counting sort, O(n)).
    ///
    /// Respondent indices, offsets and role ranks are stored as `u32`: a survey of more than
    /// `u32::MAX` respondents or municipalities, or an instrument with more roles, is an
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
    pub fn of(survey: &Survey) -> Result<Groups> {
        let responses = survey.responses();
        let muni = responses.municipality_index();
        let n_groups = responses.n_municipalities();
        to_u32(n_groups, "survey", "municipalities")?;
        let n_respondents = to_u32(muni.len(), "survey", "respondents")?;
        // No count overflows: they add up to `n_respondents`, which fits.
        let mut offsets = vec![0u32; n_groups + 1];
        for &m in muni {
            offsets[m as usize + 1] += 1;
        }
        for g in 0..n_groups {
            offsets[g + 1] += offsets[g];
        }
        let mut next: Vec<u32> = offsets[..n_groups].to_vec();
        let mut members = vec![0u32; muni.len()];
        for (r, &m) in (0..n_respondents).zip(muni) {
            let slot = &mut next[m as usize];
            members[*slot as usize] = r;
            *slot += 1;
        }

        let roles = &survey.instrument().attributes().roles;
        let last = to_u32(roles.len(), "instrument", "roles")?;
        let role_rank = responses
            .roles()
            .iter()
            .map(|role| {
                role.as_deref()
                    .and_then(|id| roles.iter().zip(0..last).find(|(l, _)| l.id == id))
                    .map_or(last, |(_, rank)| rank)
            })
            .collect();
        Ok(Groups {
            offsets,
            members,
            role_rank,
        })
    }

    /// [`Groups::of`] the survey, made once per survey and shared by every later call (through
    /// [`Survey::memo`]).
    pub fn shared(survey: &Survey) -> Result<Arc<Groups>> {
        survey
            .memo()
            .get_or_try_insert("consolidate::Groups", || Groups::of(survey))
    }

    /// Number of groups (municipalities).
    pub fn n_groups(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of respondents grouped.
    pub fn n_respondents(&self) -> usize {
        self.members.len()
    }

    /// Respondent indices of municipality `m` (an index into
    /// [`Responses::municipalities`](crate::data::Responses::municipalities)), in input order.
    ///
    /// # Panics
    /// If `m` is not below [`Groups::n_groups`].
    pub fn members(&self, m: usize) -> &[u32] {
        &self.members[self.offsets[m] as usize..self.offsets[m + 1] as usize]
    }

    /// Number of respondents of municipality `m`.
    ///
    /// # Panics
    /// If `m` is not below [`Groups::n_groups`].
    pub fn size(&self, m: usize) -> usize {
        (self.offsets[m + 1] - self.offsets[m]) as usize
    }

    /// The CSR offsets: `n_groups() + 1` values, the first 0 and the last `n_respondents()`.
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// Rank of each respondent's role: its index in the instrument's `attributes.roles` (0 =
    /// highest); respondents without a role or with a role the list does not contain rank last
    /// (`roles.len()`).
    pub fn role_ranks(&self) -> &[u32] {
        &self.role_rank
    }

    /// Every respondent index, municipality after municipality.
    pub(crate) fn all_members(&self) -> &[u32] {
        &self.members
    }

    /// Whether these groups were built from a survey of this shape.
    pub(crate) fn fits(&self, survey: &Survey) -> bool {
        self.n_groups() == survey.n_municipalities()
            && self.n_respondents() == survey.n_respondents()
    }
}
