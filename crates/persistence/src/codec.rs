//! Vocabulary values in and out of columns.

use std::str::FromStr;

use sanctuary_domain::UnknownValue;

use crate::StoreError;

/// Joins codes into one comma-separated column value (codes never contain commas).
pub(crate) fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Splits a comma-separated column value back into codes.
pub(crate) fn split<T>(value: &str, column: &'static str) -> Result<Vec<T>, StoreError>
where
    T: FromStr<Err = UnknownValue>,
{
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(StoreError::corrupt(column)))
        .collect()
}

pub(crate) fn parse<T>(value: &str, column: &'static str) -> Result<T, StoreError>
where
    T: FromStr<Err = UnknownValue>,
{
    value.parse().map_err(StoreError::corrupt(column))
}

pub(crate) fn parse_opt<T>(
    value: Option<&str>,
    column: &'static str,
) -> Result<Option<T>, StoreError>
where
    T: FromStr<Err = UnknownValue>,
{
    value.map(|v| parse(v, column)).transpose()
}
