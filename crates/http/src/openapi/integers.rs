//! Integer ranges as the server parses them.
//!
//! utoipa (with `non_strict_integers`) tells each integer's Rust type by its format
//! (`u-int8`, `u-int32`…), but a format is only an annotation: a client could send 300
//! for a `u8` and the spec would call it valid. Here every integer gets the bounds of
//! its type as `minimum` / `maximum` (tighter bounds given by hand are kept), and the
//! format goes back to OpenAPI's own `int32` / `int64`.

use utoipa::Number;
use utoipa::openapi::OpenApi as Doc;
use utoipa::openapi::schema::{KnownFormat, Object, SchemaFormat};

/// Declares every integer's range in `doc`.
pub fn declare_integer_ranges(mut doc: Doc) -> Doc {
    super::walk::visit_all(&mut doc, &mut bound);
    doc
}

fn bound(object: &mut Object) {
    let Some(SchemaFormat::KnownFormat(format)) = &object.format else {
        return;
    };
    let (min, max, format): (i128, i128, KnownFormat) = match format {
        KnownFormat::Int8 => (i8::MIN.into(), i8::MAX.into(), KnownFormat::Int32),
        KnownFormat::Int16 => (i16::MIN.into(), i16::MAX.into(), KnownFormat::Int32),
        KnownFormat::Int32 => (i32::MIN.into(), i32::MAX.into(), KnownFormat::Int32),
        KnownFormat::Int64 => (i64::MIN.into(), i64::MAX.into(), KnownFormat::Int64),
        KnownFormat::UInt8 => (0, u8::MAX.into(), KnownFormat::Int32),
        KnownFormat::UInt16 => (0, u16::MAX.into(), KnownFormat::Int32),
        KnownFormat::UInt32 => (0, u32::MAX.into(), KnownFormat::Int64),
        // Nothing is wider than an i64 in the database.
        KnownFormat::UInt64 => (0, i64::MAX.into(), KnownFormat::Int64),
        _ => return,
    };
    object.format = Some(SchemaFormat::KnownFormat(format));
    object.minimum = Some(tighter(object.minimum.as_ref(), min, i128::max));
    object.maximum = Some(tighter(object.maximum.as_ref(), max, i128::min));
}

/// The given bound if it is tighter than the type's (`pick` chooses), else the type's.
fn tighter(given: Option<&Number>, limit: i128, pick: fn(i128, i128) -> i128) -> Number {
    let value = match given {
        Some(Number::Int(n)) => pick(*n as i128, limit),
        Some(Number::UInt(n)) => pick(*n as i128, limit),
        Some(Number::Float(f)) => pick(*f as i128, limit),
        None => limit,
    };
    i64::try_from(value).map_or_else(
        |_| Number::UInt(u64::try_from(value).unwrap_or(u64::MAX) as usize),
        |v| Number::Int(v as isize),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(object: &Object) -> serde_json::Value {
        serde_json::to_value(object).unwrap()
    }

    #[test]
    fn a_type_gets_its_bounds_and_a_hand_given_bound_is_kept() {
        let mut object = Object::new();
        object.format = Some(SchemaFormat::KnownFormat(KnownFormat::UInt8));
        object.maximum = Some(Number::Int(27));
        bound(&mut object);
        let v = json(&object);
        assert_eq!(
            (&v["minimum"], &v["maximum"], &v["format"]),
            (&0.into(), &27.into(), &"int32".into())
        );

        let mut wide = Object::new();
        wide.format = Some(SchemaFormat::KnownFormat(KnownFormat::UInt32));
        bound(&mut wide);
        let v = json(&wide);
        assert_eq!(
            (&v["maximum"], &v["format"]),
            (&u32::MAX.into(), &"int64".into())
        );
    }
}
