//! Which models may answer one request, in order.

use netclaw_config::{Models, ProviderModel};
use netclaw_config::{ProviderAccount, ProviderName};

/// A model that may answer: a configured provider and the model id it expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// A key of `Providers`, as stored.
    pub provider: String,
    /// The model id the provider expects.
    pub model: String,
    /// The provider's account that sends it (its default account until the plan knows).
    pub account: String,
    /// The model's known context window in tokens, when known (configured or catalogued).
    pub context_window: Option<u64>,
    /// The provider's `OAuthTokenExpiry` now; when it differs from the one recorded with a
    /// `reauth_required` cooldown, a login or refresh happened and the cooldown is over.
    pub login_stamp: Option<jiff::Timestamp>,
}

impl Candidate {
    /// `model` at `provider`, nothing else known.
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
            account: netclaw_config::DEFAULT_ACCOUNT.to_owned(),
            context_window: None,
            login_stamp: None,
        }
    }

    /// `<provider>/<model>`, as the gateway names the model (in answers' `model` field and in
    /// gateway keys' scopes), whichever account sends it.
    pub fn public_name(&self) -> String {
        format!("{}/{}", self.provider, self.model)
    }

    /// [`Self::public_name`] with `@<account>` when another than the provider's default account
    /// sends it: what served-by headers, events and logs say.
    pub fn served_name(&self) -> String {
        if self.is_default_account() {
            self.public_name()
        } else {
            format!("{}/{}@{}", self.provider, self.model, self.account)
        }
    }

    /// The account that sends it.
    pub fn provider_account(&self) -> ProviderAccount {
        ProviderAccount::new(&self.provider, &self.account)
    }

    /// The key its cooldowns and limits are filed under (`provider`, or `provider/account`).
    pub fn credential_key(&self) -> String {
        self.provider_account().key()
    }

    fn is_default_account(&self) -> bool {
        ProviderName::same(&self.account, netclaw_config::DEFAULT_ACCOUNT)
    }

    /// Same provider, model and account (names case ignored).
    pub fn same_as(&self, other: &Self) -> bool {
        self.same_model_as(other) && ProviderName::same(&self.account, &other.account)
    }

    /// Same provider and model, whichever account sends it.
    pub fn same_model_as(&self, other: &Self) -> bool {
        ProviderName::same(&self.provider, &other.provider) && self.model == other.model
    }
}

/// The candidates of one request, in the order they are tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The candidates; the first is the model asked for.
    pub candidates: Vec<Candidate>,
    /// The request named its model, and `Models.FallbackOnExplicit` is off while a fallback
    /// is configured: failures say how to allow falling back.
    pub fallback_withheld: bool,
}

impl Plan {
    /// `Models.Main`, `Models.Fallback`, then `Models.FallbackChain`, without duplicates.
    pub fn configured(models: &Models) -> Self {
        let mut candidates: Vec<Candidate> = Vec::new();
        let roles = [models.main.as_ref(), models.fallback.as_ref()]
            .into_iter()
            .flatten()
            .map(|m| {
                let mut c = Candidate::new(&m.provider, &m.model_id);
                c.context_window = m.context_window;
                c
            });
        let chain = models
            .fallback_chain
            .iter()
            .map(|ProviderModel { provider, model }| Candidate::new(provider, model));
        for candidate in roles.chain(chain) {
            if !candidates.iter().any(|c| c.same_as(&candidate)) {
                candidates.push(candidate);
            }
        }
        Self {
            candidates,
            fallback_withheld: false,
        }
    }

    /// A request that named `wanted`: only it, unless `Models.FallbackOnExplicit` is true, in
    /// which case the configured chain follows it.
    pub fn explicit(models: &Models, wanted: Candidate) -> Self {
        let configured = Self::configured(models);
        let mut wanted = wanted;
        if let Some(known) = configured.candidates.iter().find(|c| c.same_as(&wanted)) {
            wanted.context_window = wanted.context_window.or(known.context_window);
        }
        let others: Vec<Candidate> = configured
            .candidates
            .into_iter()
            .filter(|c| !c.same_as(&wanted))
            .collect();
        if models.fallback_on_explicit.unwrap_or(false) {
            let mut candidates = vec![wanted];
            candidates.extend(others);
            Self {
                candidates,
                fallback_withheld: false,
            }
        } else {
            Self {
                fallback_withheld: !others.is_empty(),
                candidates: vec![wanted],
            }
        }
    }

    /// Whether a model comes with several accounts of its provider, so which one starts varies
    /// from one conversation to the next (every conversation is then remembered, not only
    /// those that moved).
    pub fn several_accounts(&self) -> bool {
        self.candidates.iter().enumerate().any(|(at, a)| {
            self.candidates[at + 1..]
                .iter()
                .any(|b| b.same_model_as(a) && !b.same_as(a))
        })
    }

    /// The model asked for.
    pub fn requested(&self) -> Option<&Candidate> {
        self.candidates.first()
    }

    /// The model id asked for (empty when the plan has no candidate).
    pub fn first_model(&self) -> String {
        self.requested()
            .map(|c| c.model.clone())
            .unwrap_or_default()
    }
}
