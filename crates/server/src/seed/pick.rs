//! Seeded choices: weighted picks and chances, all from the one case RNG so a seed
//! always gives the same data.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The generator every choice draws from: ChaCha8, a stable algorithm, so a seed gives
/// the same data on every platform and version of `rand`.
pub type SeedRng = ChaCha8Rng;

/// One of `choices`, each as likely as its weight.
pub fn weighted<T: Clone>(rng: &mut SeedRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (value, weight) in choices {
        if roll < *weight {
            return value.clone();
        }
        roll -= weight;
    }
    choices[choices.len() - 1].0.clone()
}

/// True `percent` times in a hundred.
pub fn chance(rng: &mut SeedRng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

/// One of `items`, evenly.
pub fn one_of<T: Clone>(rng: &mut SeedRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// `Some(value())` `percent` times in a hundred (an answer left out otherwise).
pub fn sometimes<T>(
    rng: &mut SeedRng,
    percent: u32,
    value: impl FnOnce(&mut SeedRng) -> T,
) -> Option<T> {
    chance(rng, percent).then(|| value(rng))
}
