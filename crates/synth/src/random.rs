//! Seeded randomness and the identifiers made from it.
//!
//! Every entity draws from its own stream: `Random::stream(seed, Stream::X, index)` seeds a
//! PCG-64 MCG (`rand_pcg`, whose output is stable across versions) from a SplitMix64 mix of the
//! three numbers. So a GA user's life depends only on `(seed, user index)`, never on how many
//! rows another table drew before it, and each table can be regenerated on its own, user by user,
//! in bounded memory.

use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};

/// The independent random streams. The discriminant is part of the seed mix, so never renumber.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// The world: weekly campaigns, prices, pools.
    World = 1,
    /// A GA user's address.
    GaAddress = 2,
    /// A GA user's life: sessions and on-chain actions.
    GaLife = 3,
    /// A GA user's Mixpanel events.
    Mixpanel = 4,
    /// A GP Safe's identity: address, owners, delegates, migration.
    GpSafe = 5,
    /// A GP Safe's ERC-20 activity.
    GpActivity = 6,
    /// The EOA owning a GP Safe that no GA user owns.
    GpOwner = 7,
    /// The shared delegate EOA.
    GpDelegate = 8,
    /// MMM daily sources.
    Mmm = 9,
    /// Whether a GP Safe's owner also owns the previous Safe.
    GpSharedOwner = 10,
}

/// SplitMix64's finaliser: a bijective 64-bit mix.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `n` lowercase hex digits taken from the words `mix(key), mix(key + 1), …`.
fn push_hex(out: &mut String, key: u64, n: usize) {
    let mut word = 0;
    for i in 0..n {
        if i % 16 == 0 {
            word = mix(key.wrapping_add((i / 16) as u64));
        }
        out.push(HEX[((word >> (60 - 4 * (i % 16))) & 0xf) as usize] as char);
    }
}

/// A transaction hash made from a 64-bit key: `0x` + 64 hex digits, or the bare 64 digits (the
/// form `int_execution_gnosis_app_user_events` stores, spec §13.1).
pub(crate) fn tx_hash(key: u64, with_prefix: bool) -> String {
    let mut s = String::with_capacity(66);
    if with_prefix {
        s.push_str("0x");
    }
    push_hex(&mut s, key, 64);
    s
}

/// A hex string of `n` digits made from a 64-bit key, without prefix.
pub(crate) fn hex_id(key: u64, n: usize) -> String {
    let mut s = String::with_capacity(n);
    push_hex(&mut s, key, n);
    s
}

/// A seeded random source with the few distributions the generator needs.
pub(crate) struct Random(Pcg64Mcg);

impl Random {
    /// The stream `stream` of entity `index` under `seed`.
    pub(crate) fn stream(seed: u64, stream: Stream, index: u64) -> Self {
        let key = mix(mix(seed) ^ mix((stream as u64) << 40 ^ index));
        Self(Pcg64Mcg::seed_from_u64(key))
    }

    /// 64 random bits (used as the key of a hash or an id).
    pub(crate) fn key(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform integer in [0, n); 0 when n = 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform integer in [lo, hi] (inclusive; `lo` when `hi < lo`).
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Exponential with the given mean.
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// Standard normal (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Log-normal with the given median and log-scale spread.
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// A heavy-tailed count ≥ 1 with `P(n ≥ k) = k^(−alpha)`, capped at `cap` (≥ 1): about half
    /// the draws are 1 and a few are in the hundreds, like user activity.
    pub(crate) fn pareto_count(&mut self, alpha: f64, cap: u32) -> u32 {
        let u = 1.0 - self.unit(); // (0, 1]
        let n = u.powf(-1.0 / alpha).floor();
        (n.min(f64::from(cap.max(1)))) as u32
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// One element drawn with the given (unnormalised) weights; the slice must be non-empty.
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, f64)]) -> T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.unit() * total;
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    /// A fresh lowercase address: `0x` + 40 hex digits.
    pub(crate) fn address(&mut self) -> String {
        let mut s = String::with_capacity(42);
        s.push_str("0x");
        push_hex(&mut s, self.key(), 40);
        s
    }

    /// A second-of-day with a daytime peak (UTC, most activity between 08:00 and 20:00), kept
    /// below `latest`.
    pub(crate) fn time_of_day(&mut self, latest: i64) -> i64 {
        let s = 13.5 * 3600.0 + 4.5 * 3600.0 * self.normal();
        (s.rem_euclid(86_400.0) as i64).min(latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_stable() {
        let a = Random::stream(7, Stream::GaLife, 3).key();
        assert_eq!(a, Random::stream(7, Stream::GaLife, 3).key());
        assert_ne!(a, Random::stream(7, Stream::GaLife, 4).key());
        assert_ne!(a, Random::stream(7, Stream::Mixpanel, 3).key());
        assert_ne!(a, Random::stream(8, Stream::GaLife, 3).key());
    }

    #[test]
    fn identifiers_have_their_shapes() {
        let mut r = Random::stream(1, Stream::World, 0);
        let a = r.address();
        assert_eq!(a.len(), 42);
        assert!(a.starts_with("0x"));
        assert!(
            a[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_eq!(tx_hash(5, true).len(), 66);
        assert_eq!(tx_hash(5, false), tx_hash(5, true)[2..]);
        assert_eq!(hex_id(9, 112).len(), 112);
        assert_ne!(tx_hash(5, false), tx_hash(6, false));
    }

    #[test]
    fn pareto_counts_are_heavy_tailed() {
        let mut r = Random::stream(2, Stream::World, 0);
        let draws: Vec<u32> = (0..20_000).map(|_| r.pareto_count(0.8, 700)).collect();
        let ones = draws.iter().filter(|&&n| n == 1).count() as f64 / draws.len() as f64;
        assert!(
            (0.38..0.50).contains(&ones),
            "share of one-off users {ones}"
        );
        assert!(draws.iter().any(|&n| n >= 300));
        assert!(draws.iter().all(|&n| (1..=700).contains(&n)));
    }
}
