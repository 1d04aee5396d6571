//! A bounded fuzz run of referral intake: arbitrary JSON, and the canonical example with
//! arbitrary values dropped into it, go through the same steps as a request body
//! (normalise, schema check, parse, domain rules). Nothing may panic; every rejection
//! is a list of violations.

use proptest::prelude::*;
use serde_json::Value;
use time::macros::date;

use super::ReferralForm;
use crate::contract::{Contract, normalise};

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer to a value inside `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// The request-body path for a referral, without HTTP.
fn intake(contract: &Contract, mut value: Value) {
    let mut violations = sanctuary_domain::violation::Violations::new();
    normalise(&mut value, &mut String::new(), &mut violations);
    violations.absorb_new(contract.check("ReferralForm", &mut value));
    if let Ok(form) = serde_json::from_value::<ReferralForm>(value) {
        let _ = form.into_domain(date!(2026 - 11 - 25));
    }
}

fn contract() -> &'static Contract {
    static CONTRACT: std::sync::OnceLock<Contract> = std::sync::OnceLock::new();
    CONTRACT.get_or_init(|| Contract::from_openapi(&crate::openapi()).expect("the contract builds"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bodies_never_panic(value in arbitrary_json()) {
        intake(contract(), value);
    }

    #[test]
    fn the_example_with_any_field_replaced_never_panics(
        index in any::<prop::sample::Index>(),
        replacement in arbitrary_json(),
    ) {
        let mut example = crate::openapi::examples::referral_full();
        let mut all = Vec::new();
        pointers(&example, String::new(), &mut all);
        let target = &all[index.index(all.len())];
        *example.pointer_mut(target).unwrap() = replacement;
        intake(contract(), example);
    }
}
