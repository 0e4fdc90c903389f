//! Serde for `OAuthTokenExpiry`: RFC 3339 in, RFC 3339 with a `+00:00` offset out.

use jiff::Timestamp;
use jiff::tz::Offset;
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn serialize<S: Serializer>(
    value: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(ts) => serializer.collect_str(&ts.display_with_offset(Offset::UTC)),
        None => serializer.serialize_none(),
    }
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.trim().parse::<Timestamp>().map(Some).map_err(|e| {
        serde::de::Error::custom(format!("`{text}` is not an RFC 3339 timestamp: {e}"))
    })
}
