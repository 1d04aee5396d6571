//! Instants in query parameters: RFC 3339, at most the length the contract states
//! (`openapi::MAX_DATE_TIME_CHARS`; `time` would read any number of fractional
//! digits), read as UTC.

/// For `#[serde(default, with = "crate::wire::instant::option")]`.
pub mod option {
    use serde::{Deserialize, Deserializer};
    use time::format_description::well_known::Rfc3339;
    use time::{OffsetDateTime, UtcOffset};

    use crate::openapi::MAX_DATE_TIME_CHARS;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else {
            return Ok(None);
        };
        if text.len() > MAX_DATE_TIME_CHARS {
            return Err(serde::de::Error::custom("too long for a date and time"));
        }
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(|t| Some(t.to_offset(UtcOffset::UTC)))
            .map_err(|_| serde::de::Error::custom("not an RFC 3339 date and time"))
    }
}
