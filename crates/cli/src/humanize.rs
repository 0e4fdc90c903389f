//! Human wording for times and tables: "in 3 days", "expired", aligned columns.

use jiff::{SignedDuration, Timestamp};

/// `when` relative to `now`: "in 3 days", "in 5 minutes", "2 hours ago".
pub(crate) fn relative(when: Timestamp, now: Timestamp) -> String {
    let delta = when.duration_since(now);
    let future = delta >= SignedDuration::ZERO;
    let secs = delta.as_secs().unsigned_abs();
    if secs < 5 {
        return if future { "in a moment" } else { "just now" }.to_owned();
    }
    let (n, unit) = if secs < 60 {
        (secs, "second")
    } else if secs < 3_600 {
        (secs / 60, "minute")
    } else if secs < 86_400 {
        (secs / 3_600, "hour")
    } else {
        (secs / 86_400, "day")
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// What a token's expiry means for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TokenState {
    /// Valid for more than a day.
    Valid,
    /// Expires within a day (the daemon refreshes it; `provider probe` exits 2).
    ExpiringSoon,
    /// Already expired (refreshed on next use when a refresh token is stored).
    Expired,
    /// The refresh was refused: `netclaw provider login <name>`.
    ReloginNeeded,
}

/// How close to expiry counts as "soon".
pub(crate) const EXPIRING_SOON: SignedDuration = SignedDuration::from_hours(24);

/// The state of a login whose access token expires at `expiry`. A login with a refresh token
/// (`renewable`) is valid until a refresh is refused: its hour-long access tokens are renewed
/// on use and by the daemon, so their expiry says nothing about the login.
pub(crate) fn token_state(
    expiry: Timestamp,
    now: Timestamp,
    reauth: bool,
    renewable: bool,
) -> TokenState {
    if reauth {
        TokenState::ReloginNeeded
    } else if renewable {
        TokenState::Valid
    } else if expiry <= now {
        TokenState::Expired
    } else if expiry.duration_since(now) < EXPIRING_SOON {
        TokenState::ExpiringSoon
    } else {
        TokenState::Valid
    }
}

/// The expiry column of `provider list`.
pub(crate) fn expiry_text(expiry: Option<Timestamp>, now: Timestamp, reauth: bool) -> String {
    if reauth {
        return "re-login needed".to_owned();
    }
    match expiry {
        None => "-".to_owned(),
        Some(at) if at <= now => "expired".to_owned(),
        Some(at) => relative(at, now),
    }
}

/// Rows as aligned columns (the first row is the header); the last column is not padded.
pub(crate) fn table(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| console::measure_text_width(cell))
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if c + 1 < row.len() {
                    let pad = widths[c] - console::measure_text_width(cell);
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            line
        })
        .collect()
}

/// A token count as people say it: 272000 → "272k", 1048576 → "1M".
pub(crate) fn tokens(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000) {
        let m = n as f64 / 1_000_000.0;
        if (m.fract()).abs() < 0.05 {
            format!("{m:.0}M")
        } else {
            format!("{m:.1}M")
        }
    } else if n >= 1_000 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests;
