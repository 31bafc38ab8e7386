//! The demo's random numbers: SplitMix64 from a fixed seed, so the county comes out the same
//! on every machine and every run. The steps share one generator and draw from it in a fixed
//! order, so the order of the draws is part of the output: moving one changes the county.

use chrono::{Duration, NaiveDate};

/// SplitMix64: tiny, fast, and the same sequence on every machine.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn seeded(seed: u64) -> Self {
        Rng(seed)
    }
    /// A generator of its own for part `n` of the output (a district), so that each part is
    /// drawn alone and the same whatever came before it. Seeded by SplitMix's output for
    /// `seed + n`, a well-mixed value, rather than by `seed + n` itself.
    pub(super) fn for_part(seed: u64, n: u64) -> Self {
        Rng(Rng(seed.wrapping_add(n)).next())
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0 ≤ n < bound.
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Picks by weight.
    pub(super) fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for (item, w) in items {
            if roll < *w {
                return item;
            }
            roll -= w;
        }
        &items[0].0
    }
    pub(super) fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + Duration::days(self.below(span + 1) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        assert!((0..100).all(|_| a.next() == b.next()));
    }

    #[test]
    fn each_part_draws_its_own_numbers() {
        let (mut a, mut b) = (Rng::for_part(7, 1), Rng::for_part(7, 2));
        assert!((0..100).all(|_| a.next() != b.next()));
    }
}
