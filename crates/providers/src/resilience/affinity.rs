//! Which model served each conversation, so its later turns go back to it while it works:
//! moving a conversation mid-way throws away the provider's prompt cache (and changes the
//! voice of the answers). A conversation is known by its `prompt_cache_key`, a client's session
//! header (`session-id`, `X-Claude-Code-Session-Id`), or else a hash of its first messages.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

use crate::chat::{ChatRequest, Message};

use super::chain::Candidate;

/// How long a conversation is remembered after its last turn.
const KEPT_FOR: SignedDuration = SignedDuration::from_hours(1);

/// Conversations remembered at most; the stalest go first.
const MAX_CONVERSATIONS: usize = 10_000;

/// How many of a conversation's first messages name it when nothing else does.
const NAMING_MESSAGES: usize = 2;

/// The conversation `request` belongs to: its name, else its opening (the messages before the
/// first answer, at most [`NAMING_MESSAGES`]), which every later turn repeats.
pub(crate) fn conversation_key(request: &ChatRequest) -> u64 {
    let mut hasher = DefaultHasher::new();
    match name_of(request) {
        Some(named) => ("named", named).hash(&mut hasher),
        None => {
            "opening".hash(&mut hasher);
            let opening = request
                .messages
                .iter()
                .take_while(|m| !matches!(m, Message::Assistant { .. }))
                .take(NAMING_MESSAGES);
            for message in opening {
                message.hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}

fn name_of(request: &ChatRequest) -> Option<&String> {
    request
        .session
        .as_ref()
        .or(request.prompt_cache_key.as_ref())
}

/// Whether `request` continues a conversation: it is named, or it carries an earlier answer.
/// A first turn has no cache to keep, so it goes to the model asked for.
pub(crate) fn continues(request: &ChatRequest) -> bool {
    name_of(request).is_some()
        || request
            .messages
            .iter()
            .any(|m| matches!(m, Message::Assistant { .. }))
}

/// Who served a conversation: the candidate, its last turn's time and, for a detour to another
/// account, when the account asked for is back.
type Served = (Candidate, Timestamp, Option<Timestamp>);

/// The model (and account) of each conversation.
#[derive(Debug, Default)]
pub(crate) struct Affinity {
    served: Mutex<HashMap<u64, Served>>,
}

impl Affinity {
    /// The model that served `conversation`'s last turn, if it was recently.
    pub(crate) fn of(&self, conversation: u64, now: Timestamp) -> Option<Candidate> {
        let served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        let (candidate, at, until) = served.get(&conversation)?;
        let detour_over = until.is_some_and(|until| now >= until);
        (now.duration_since(*at) < KEPT_FOR && !detour_over).then(|| candidate.clone())
    }

    /// `candidate` served `conversation` at `now`, until `until` when it is a detour; returns
    /// the model it served before, when that was another one (the conversation moved).
    pub(crate) fn record(
        &self,
        conversation: u64,
        candidate: &Candidate,
        now: Timestamp,
        until: Option<Timestamp>,
    ) -> Option<Candidate> {
        let mut served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        if served.len() >= MAX_CONVERSATIONS {
            served.retain(|_, (_, at, _)| now.duration_since(*at) < KEPT_FOR);
            if served.len() >= MAX_CONVERSATIONS
                && let Some(stalest) = served
                    .iter()
                    .min_by_key(|(_, (_, at, _))| *at)
                    .map(|(k, _)| *k)
            {
                served.remove(&stalest);
            }
        }
        let previous = served.insert(conversation, (candidate.clone(), now, until));
        previous
            .map(|(before, _, _)| before)
            .filter(|before| !before.same_as(candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(messages: Vec<Message>) -> ChatRequest {
        ChatRequest::new("m", messages)
    }

    #[test]
    fn every_turn_of_a_conversation_has_its_first_turns_key() {
        let first = turn(vec![
            Message::system("be brief"),
            Message::user("plan my trip"),
        ]);
        let later = turn(vec![
            Message::system("be brief"),
            Message::user("plan my trip"),
            Message::Assistant {
                content: "sure".into(),
                tool_calls: Vec::new(),
            },
            Message::user("and the hotel?"),
        ]);
        assert_eq!(conversation_key(&first), conversation_key(&later));
        assert!(!continues(&first) && continues(&later));
        let other = turn(vec![Message::system("be brief"), Message::user("hi")]);
        assert_ne!(conversation_key(&first), conversation_key(&other));
    }

    #[test]
    fn a_named_session_is_its_name_whatever_its_messages() {
        let named = |text: &str| ChatRequest {
            session: Some("s-1".into()),
            ..turn(vec![Message::user(text)])
        };
        assert_eq!(conversation_key(&named("a")), conversation_key(&named("b")));
        assert!(
            continues(&named("a")),
            "a named session is known from its first turn"
        );
    }

    #[test]
    fn a_conversation_is_forgotten_an_hour_after_its_last_turn() {
        let affinity = Affinity::default();
        let at = |s: i64| Timestamp::from_second(1_800_000_000 + s).unwrap();
        let spare = Candidate::new("spare", "m");
        assert_eq!(affinity.record(7, &spare, at(0), None), None);
        assert_eq!(affinity.of(7, at(3599)), Some(spare.clone()));
        assert_eq!(affinity.of(7, at(3600)), None);
        let main = Candidate::new("main", "m");
        assert_eq!(
            affinity.record(7, &main, at(10), None),
            Some(spare),
            "a move is reported"
        );
    }

    #[test]
    fn a_detour_to_another_account_ends_when_the_account_asked_for_is_back() {
        let affinity = Affinity::default();
        let at = |s: i64| Timestamp::from_second(1_800_000_000 + s).unwrap();
        let second = Candidate {
            account: "second".into(),
            ..Candidate::new("chatgpt", "m")
        };
        affinity.record(7, &second, at(0), Some(at(600)));
        assert_eq!(affinity.of(7, at(599)), Some(second));
        assert_eq!(affinity.of(7, at(600)), None);
    }
}
