//! Which of a provider's accounts a new conversation tries first (`AccountOrder`): in the order
//! they were added, taking turns, or the least used first.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use netclaw_config::{AccountOrder, ProviderAccount, ProviderName};

use super::book::CooldownBook;

/// Round-robin turns per provider, for the life of the process.
#[derive(Debug, Default)]
pub(crate) struct AccountTurns {
    next: Mutex<HashMap<ProviderName, usize>>,
}

impl AccountTurns {
    /// `provider`'s turn, advancing it.
    fn take(&self, provider: &str) -> usize {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let turn = next.entry(ProviderName::from(provider)).or_default();
        let taken = *turn;
        *turn = turn.wrapping_add(1);
        taken
    }
}

/// The binding share of `account`'s limits as last reported, 0 when nothing was.
fn used_share(book: &CooldownBook, account: &ProviderAccount) -> f64 {
    let Some(limits) = book.limits(&account.key()) else {
        return 0.0;
    };
    let snapshot = &limits.snapshot;
    [snapshot.primary.as_ref(), snapshot.secondary.as_ref()]
        .into_iter()
        .flatten()
        .map(|w| w.used_percent)
        .fold(0.0, f64::max)
}

/// `accounts` (as listed) in the order a new conversation tries them; the cooldown book is
/// locked only to order by use.
pub(crate) fn ordered(
    accounts: Vec<ProviderAccount>,
    order: AccountOrder,
    turns: &AccountTurns,
    book: &Mutex<CooldownBook>,
) -> Vec<ProviderAccount> {
    let mut accounts = accounts;
    if accounts.len() < 2 {
        return accounts;
    }
    match order {
        AccountOrder::FirstAvailable => {}
        AccountOrder::RoundRobin => {
            let start = turns.take(&accounts[0].provider) % accounts.len();
            accounts.rotate_left(start);
        }
        AccountOrder::LeastUsed => {
            let book = book.lock().unwrap_or_else(PoisonError::into_inner);
            // A stable sort: accounts equally used keep the order they were added in.
            accounts.sort_by(|a, b| used_share(&book, a).total_cmp(&used_share(&book, b)));
        }
    }
    accounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{RateLimitSnapshot, RateLimitWindow};

    fn accounts() -> Vec<ProviderAccount> {
        ["a", "b", "c"]
            .into_iter()
            .map(|name| ProviderAccount::new("p", name))
            .collect()
    }

    fn names(accounts: &[ProviderAccount]) -> Vec<&str> {
        accounts.iter().map(|a| a.account.as_str()).collect()
    }

    #[test]
    fn round_robin_starts_each_plan_at_the_next_account() {
        let turns = AccountTurns::default();
        let book = Mutex::new(CooldownBook::default());
        let firsts: Vec<String> = (0..4)
            .map(|_| {
                ordered(accounts(), AccountOrder::RoundRobin, &turns, &book)[0]
                    .account
                    .clone()
            })
            .collect();
        assert_eq!(firsts, ["a", "b", "c", "a"]);
        let first_available = ordered(accounts(), AccountOrder::FirstAvailable, &turns, &book);
        assert_eq!(names(&first_available), ["a", "b", "c"]);
    }

    #[test]
    fn least_used_starts_at_the_account_with_most_left() {
        let mut book = CooldownBook::default();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        for (account, used) in [("a", 70.0), ("b", 10.0)] {
            let snapshot = RateLimitSnapshot {
                primary: Some(RateLimitWindow {
                    used_percent: used,
                    window_minutes: Some(300),
                    resets_at: None,
                    reset_after_seconds: None,
                }),
                ..RateLimitSnapshot::default()
            };
            book.record_usage(
                &ProviderAccount::new("p", account).key(),
                &snapshot,
                now,
                None,
            );
        }
        let turns = AccountTurns::default();
        let book = Mutex::new(book);
        let order = ordered(accounts(), AccountOrder::LeastUsed, &turns, &book);
        assert_eq!(
            names(&order),
            ["c", "b", "a"],
            "nothing reported counts as unused"
        );
    }
}
