//! Waiting between attempts, in one place: the exponential step that both chat retries and the
//! daemon's token refresher use, and the random fraction that spreads waits apart.

use std::time::Duration;

/// `base · 2^(attempt−1)`, capped at `max` (attempt 1 waits `base`; 0 counts as 1).
pub fn exponential(base: Duration, attempt: u32, max: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).min(20);
    base.saturating_mul(1_u32 << exponent).min(max)
}

/// A number in `[0, 1)` from the OS's randomness (one half when there is none, so a jittered
/// wait keeps its middle value).
pub fn random_fraction() -> f64 {
    getrandom::u32().map_or(0.5, |random| {
        f64::from(random) / (f64::from(u32::MAX) + 1.0)
    })
}

/// `wait` spread by `±spread` (a fraction of it): `wait · (1 − spread + 2 · spread · r)` for a
/// random `r`, so clients that failed together do not come back together.
pub fn jittered(wait: Duration, spread: f64) -> Duration {
    let spread = spread.clamp(0.0, 1.0);
    wait.mul_f64(1.0 - spread + 2.0 * spread * random_fraction())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{exponential, jittered, random_fraction};

    #[test]
    fn waits_double_per_attempt_up_to_the_cap() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(15 * 60);
        let waits: Vec<u64> = (1..=7)
            .map(|attempt| exponential(base, attempt, max).as_secs())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(exponential(base, 0, max), base);
        assert_eq!(exponential(base, u32::MAX, max), max, "no overflow");
    }

    #[test]
    fn jitter_stays_within_its_spread_and_fractions_vary() {
        let wait = Duration::from_millis(1000);
        for _ in 0..64 {
            let spread = jittered(wait, 0.1);
            assert!((900..1100).contains(&spread.as_millis()), "{spread:?}");
        }
        let draws: Vec<f64> = (0..64).map(|_| random_fraction()).collect();
        assert!(draws.iter().all(|f| (0.0..1.0).contains(f)));
        assert!(draws.iter().any(|f| (f - draws[0]).abs() > f64::EPSILON));
    }
}
