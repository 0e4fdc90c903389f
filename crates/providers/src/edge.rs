//! Failures of what stands between netclaw and a vendor rather than of the vendor's API: a CDN's
//! browser check, a region block, a proxy. They look like `403`, `429` or a DNS failure, and
//! each has its own remedy, so probes, chat errors and `doctor` name them as such.

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

/// What blocked the request on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeBlock {
    /// A CDN in front of the vendor answered with a browser check (an HTML challenge page, or
    /// `cf-mitigated: challenge`) instead of the API.
    Challenge,
    /// The vendor does not serve the country or region the request comes from.
    RegionBlocked,
    /// A proxy refused the request (`407`, or its own HTML block page).
    Proxy,
}

/// Vendor codes and texts that say "not in your region".
const REGION_MARKERS: &[&str] = &[
    "unsupported_country_region_territory",
    "country, region, or territory not supported",
    "not available in your country",
    "not available in your region",
    "user location is not supported",
];

/// What a CDN's browser-check page carries (Cloudflare, Akamai, Imperva, DataDome).
const CHALLENGE_MARKERS: &[&str] = &[
    "cf-chl",
    "challenge-platform",
    "just a moment...",
    "attention required! | cloudflare",
    "_incapsula_resource",
    "captcha-delivery.com",
    "akamai bot manager",
];

impl EdgeBlock {
    /// `edge_challenge`, `region_blocked` or `proxy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Challenge => "edge_challenge",
            Self::RegionBlocked => "region_blocked",
            Self::Proxy => "proxy",
        }
    }

    /// What happened, for `label` (the vendor's name).
    pub fn describe(self, label: &str) -> String {
        match self {
            Self::Challenge => format!(
                "the CDN in front of {label} answered with a browser check instead of the API"
            ),
            Self::RegionBlocked => {
                format!("{label} does not serve requests from this country or region")
            }
            Self::Proxy => format!("a proxy between netclaw and {label} refused the request"),
        }
    }

    /// What to do about it.
    pub fn remedy(self) -> &'static str {
        match self {
            Self::Challenge => {
                "CDNs challenge VPNs and shared or datacenter addresses: try without the VPN or from \
                 another network; retrying from here rarely helps"
            }
            Self::RegionBlocked => {
                "this is the vendor's rule, not a fault: use another provider (`netclaw model set \
                 main <provider>/<model>`) or a network in a region it serves"
            }
            Self::Proxy => {
                "check `HTTPS_PROXY` (with credentials: `http://user:pass@proxy:port`) and \
                 `NO_PROXY`, or ask the network's admin to allow the vendor's host"
            }
        }
    }

    /// Reads a refusal: the headers and body of a non-success answer.
    pub fn of_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        if status == 407 {
            return Some(Self::Proxy);
        }
        let mitigated = headers
            .get("cf-mitigated")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("challenge"));
        if mitigated {
            return Some(Self::Challenge);
        }
        let head = &body[..body.len().min(64 * 1024)];
        let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
        if REGION_MARKERS.iter().any(|m| lower.contains(m)) {
            return Some(Self::RegionBlocked);
        }
        let html = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"))
            || lower.trim_start().starts_with("<!doctype html")
            || lower.trim_start().starts_with("<html");
        if !html {
            return None;
        }
        if CHALLENGE_MARKERS.iter().any(|m| lower.contains(m)) {
            return Some(Self::Challenge);
        }
        // An HTML page where an API answers 403: a filtering proxy's block page.
        (status == 403).then_some(Self::Proxy)
    }

    /// Reads a transport failure's error chain: a proxy that refused the tunnel or cannot be
    /// reached.
    pub fn of_transport(chain: &str) -> Option<Self> {
        let lower = chain.to_ascii_lowercase();
        (lower.contains("proxy")
            && (lower.contains("tunnel") || lower.contains("connect") || lower.contains("407")))
        .then_some(Self::Proxy)
    }
}

/// Whether a TLS failure's text says the certificate chain ends at an authority this machine
/// does not trust: a proxy inspecting TLS, or a self-signed server.
pub fn untrusted_issuer(chain: &str) -> bool {
    let lower = chain.to_ascii_lowercase();
    [
        "unknownissuer",
        "unknown issuer",
        "self signed",
        "self-signed",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// The remedy for [`untrusted_issuer`].
pub const UNTRUSTED_ISSUER_REMEDY: &str = "The certificate is not signed by an authority this \
     machine trusts: a proxy on this network inspecting TLS, or a self-signed server. Add its CA \
     certificate to the system's trust store (or point `SSL_CERT_FILE` at a bundle that has it)";

#[cfg(test)]
mod tests;
