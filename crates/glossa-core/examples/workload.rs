//! Writes a seeded, deterministic benchmark document: real-looking news prose with some
//! non-ASCII and emoji, and spans of every label, a fifth of them nested in claims.
//!
//! `cargo run --release -p glossa-core --example workload -- BYTES SPANS [SEED] > doc.json`
//! prints the `Document` as JSON (the core's own serialisation).

use glossa_core::{Document, Unit};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const ACTORS: &[&str] = &[
    "Sheikh Mohammed",
    "the Prime Minister",
    "Hamas",
    "Egypt's intelligence chief",
    "President Macron",
    "Zoë Müller",
    "the United Nations",
    "José Álvarez",
    "محمد بن عبدالرحمن",
    "李明",
    "the Atlantic Council",
];
const VERBS: &[&str] = &[
    "said",
    "stated",
    "claimed",
    "announced",
    "denied",
    "told reporters",
];
const FIGURES: &[&str] = &[
    "100 captives",
    "€2.5 billion",
    "40 per cent",
    "3,000 trucks",
    "six weeks",
    "¥12 million",
    "1.2 million people",
    "200 prisoners",
];
const FILLER: &[&str] = &[
    "the talks made good progress",
    "aid would reach the besieged territory",
    "a ceasefire could follow within days",
    "the proposal was being studied carefully",
    "the deal remained fragile",
    "negotiators met again in Cairo 🇪🇬",
    "families waited for news 🙏🏽",
    "the vote was postponed",
];

/// Appends a sentence "<actor> <verb> that <figure> ... <filler>." and returns the byte
/// ranges of its actor, figure and claim.
fn sentence(rng: &mut Rng, out: &mut String) -> [(usize, usize); 3] {
    let start = out.len();
    let actor = rng.pick(ACTORS);
    out.push_str(actor);
    let actor_range = (start, out.len());
    out.push(' ');
    out.push_str(rng.pick(VERBS));
    out.push_str(" that ");
    let claim_start = out.len();
    let figure_start = out.len();
    out.push_str(rng.pick(FIGURES));
    let figure_range = (figure_start, out.len());
    out.push_str(" meant ");
    out.push_str(rng.pick(FILLER));
    let claim_range = (claim_start, out.len());
    out.push_str(". ");
    [actor_range, figure_range, claim_range]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bytes: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let spans: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let mut rng = Rng(seed.max(1));

    let mut text = String::with_capacity(bytes + 200);
    let mut candidates = Vec::new();
    while text.len() < bytes {
        for _ in 0..3 + rng.below(5) {
            candidates.push(sentence(&mut rng, &mut text));
        }
        text.push_str("\n\n");
    }
    let mut doc = Document::new(&format!("bench-{bytes}-{spans}"), "Benchmark", &text, 0);
    // Spread the spans over the whole text; a fifth are claims with what they contain.
    let mut added = 0;
    // A nested claim brings three spans, a plain one one: 1.4 a pick on average.
    let step = (candidates.len() as f64 / (spans as f64 / 1.4)).max(1.0);
    let mut at = 0.0;
    while added < spans && (at as usize) < candidates.len() {
        let [actor, figure, claim] = candidates[at as usize];
        let nested = rng.below(5) == 0;
        let picks: &[(&str, (usize, usize))] = if nested {
            &[("claim", claim), ("actor", actor), ("figure", figure)]
        } else if rng.below(2) == 0 {
            &[("actor", actor)]
        } else {
            &[("figure", figure)]
        };
        for (label, (s, e)) in picks {
            if added < spans {
                doc.add_span(label, *s, *e, Unit::Utf8)
                    .expect("generated spans are valid");
                added = doc.spans().len();
            }
        }
        at += step;
    }
    // Top up with the sentences' actors and figures left untagged.
    for [actor, figure, _] in &candidates {
        for (label, (s, e)) in [("actor", actor), ("figure", figure)] {
            if doc.spans().len() < spans {
                doc.add_span(label, *s, *e, Unit::Utf8)
                    .expect("generated spans are valid");
            }
        }
    }
    // `--glossa`: as a Glossa JSON export (what a user imports); otherwise as the app stores it.
    let json = if args.iter().any(|a| a == "--glossa") {
        glossa_core::formats::glossa::to_json(&doc).expect("generated spans slice to their quotes")
    } else {
        serde_json::to_string(&doc).expect("a document serialises")
    };
    println!("{json}");
    eprintln!("{} bytes, {} spans", doc.text.len(), doc.spans().len());
}
