//! What a field costs the database, for the complexity limit (`--max-complexity`), checked
//! before anything runs. A plain field costs 1 and a page `first` × its items (see
//! `connection::page_cost`); the fields that aggregate over the registry cost what their
//! statements scan, in units of [`SCAN`], so that a request asking for many aggregates at once
//! (twenty aliased histories, forty grouped counts) is refused in milliseconds instead of
//! holding the read pool for the whole request timeout.
//!
//! Calibrated on the dashboard's requests, each of which must pass with room to spare under
//! the default limit of 20,000 (the progress of twelve targets with their monthly histories
//! costs about 6,100; the grouped counts 600), while the requests of issue 12's probe do not
//! (twenty aliased progress histories cost 122,000; forty grouped counts 24,000).

/// One aggregate statement over the registry's teachers and designations.
pub const SCAN: usize = 200;
/// How many targets `progress` is costed for: a county plan has a handful; the measure of a
/// target is a statement of three dates, half a scan.
pub const TARGETS_COSTED: usize = 12;

/// The most a request may cost and still take its turn in the light lane (see
/// `graphql::fair`): a grouped count or the balance table, not a history series.
pub const LIGHT: usize = SCAN * 5;

/// `keyTeacherCounts`: one aggregate, larger with each dimension it groups by.
pub fn counts(dimensions: usize, child_complexity: usize) -> usize {
    SCAN.saturating_mul(dimensions.saturating_add(1))
        .saturating_add(child_complexity)
}

/// `progress`: each target's measure, and whatever is asked of each.
pub fn progress(child_complexity: usize) -> usize {
    TARGETS_COSTED.saturating_mul(one_target(child_complexity))
}

/// `targetProgress`: one target's measure.
pub fn one_target(child_complexity: usize) -> usize {
    (SCAN / 2).saturating_add(child_complexity)
}

/// `history`: one statement that measures the target at each point: up to 400 months, fewer
/// quarters or years.
pub fn history(monthly: bool) -> usize {
    if monthly { SCAN * 2 } else { SCAN }
}

/// `balancedDevelopment`: three indicators counted per school and stage, and the enrollments.
pub fn balance(child_complexity: usize) -> usize {
    (SCAN * 3).saturating_add(child_complexity)
}

/// `reservePoolCounts`: one aggregate.
pub fn reserve(child_complexity: usize) -> usize {
    SCAN.saturating_add(child_complexity)
}

/// `Studio.outputs` and `Studio.outputCounts`: one statement over one studio's outputs (and
/// one for the authors), a tenth of a scan; a page of studios asking for them multiplies it.
pub fn outputs(child_complexity: usize) -> usize {
    (SCAN / 10).saturating_add(child_complexity)
}

/// `Studio.conversion`: one aggregate over one studio's pairs and its mentees' designations.
pub fn conversion(child_complexity: usize) -> usize {
    (SCAN / 5).saturating_add(child_complexity)
}

/// `convertedPeople`: one statement over a cohort and its designations, per conversion asked
/// (no dataloader: a page of studios asking for theirs runs one each), priced like the
/// conversion it lists.
pub fn converted_people(child_complexity: usize) -> usize {
    (SCAN / 5).saturating_add(child_complexity)
}

/// `conversion`: two aggregates over the county's pairs, reserve entries and designations.
pub fn county_conversion(child_complexity: usize) -> usize {
    (SCAN * 2).saturating_add(child_complexity)
}

/// `studioReport`: four statements over one studio's rows (quota, activities, outputs,
/// conversion), a scan's worth in all.
pub fn report(child_complexity: usize) -> usize {
    SCAN.saturating_add(child_complexity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboards_requests_pass_and_the_probes_do_not() {
        let limit = crate::config::Settings::default().max_complexity;
        // progress { target { … } current goal … history { date value } }: ~12 plain fields.
        let dashboard_progress = progress(12 + history(true) + 2);
        assert!(dashboard_progress < limit / 2, "{dashboard_progress}");
        assert!(counts(2, 3) < limit / 20);
        // A plain or grouped count and the balance table are light; the dashboard's
        // progress with histories is heavy.
        assert!(counts(0, 1) <= LIGHT && counts(2, 3) <= LIGHT && balance(30) <= LIGHT);
        assert!(dashboard_progress > LIGHT);
        assert!(20 * progress(history(true) + 1) > limit);
        assert!(40 * counts(2, 1) > limit);
        // A page of studios listing each one's converted people runs a statement per studio
        // over its pairs and designations, as much as the conversion it lists.
        assert!(converted_people(0) >= conversion(0) && converted_people(0) > outputs(0));
    }
}
