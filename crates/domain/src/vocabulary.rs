//! One macro for every closed list of values in the product.
//!
//! Each variant is given its wire spelling explicitly (snake_case), and the macro
//! derives serde, `as_str`, `FromStr`, `Display` and — with the `openapi` feature —
//! the schema, so the spelling cannot drift between JSON, SQL and the spec. (The
//! spelling is taken as `tt`: a `literal` fragment reaches derive macros in an invisible
//! group, which serde reads but utoipa silently ignores.)

/// A string that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a known {vocabulary}")]
pub struct UnknownValue {
    pub vocabulary: &'static str,
    pub value: String,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire (and database) spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::vocabulary::UnknownValue {
                        vocabulary: stringify!($name),
                        value: s.to_owned(),
                    }),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    vocabulary! {
        enum Colour { Red = "red", DarkBlue = "dark_blue" }
    }

    #[test]
    fn spelling_round_trips_through_serde_and_from_str() {
        for colour in Colour::ALL {
            let json = serde_json::to_string(colour).unwrap();
            assert_eq!(json, format!("\"{}\"", colour.as_str()));
            assert_eq!(colour.as_str().parse::<Colour>().unwrap(), *colour);
        }
        assert!("Dark_Blue".parse::<Colour>().is_err());
    }
}
