//! The evaluation of the triage rules on the labelled set in `data/triage/eval.jsonl` (written for the purpose:
//! every category, with and without tone marks, abbreviations and typos): accuracy per category, and the recall
//! of urgent tips — missing an urgent tip is the costly error. `binhyen triage-eval` prints it.

use std::collections::BTreeMap;

use binhyen_domain::tip::{Priority, TipCategory};

/// The labelled set, embedded so that the report runs anywhere.
pub const EVAL_SET: &str = include_str!("../../data/triage/eval.jsonl");

#[derive(Debug, Clone, serde::Deserialize)]
struct Labelled {
    id: String,
    text: String,
    category: TipCategory,
    priority: Priority,
    style: String,
}

/// What the rules got right, overall and per category and style.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub tips: usize,
    pub category_accuracy: f64,
    pub priority_accuracy: f64,
    /// Urgent tips suggested urgent, of all urgent tips.
    pub urgent_recall: f64,
    /// Tips suggested urgent that are, of all suggested urgent.
    pub urgent_precision: f64,
    /// category → (right, of).
    pub per_category: BTreeMap<String, (usize, usize)>,
    /// style (full, none, mixed, abbrev, typos) → category right, of.
    pub per_style: BTreeMap<String, (usize, usize)>,
    /// Ids of urgent tips the rules missed, to read and improve the rules from.
    pub missed_urgent: Vec<String>,
}

fn ratio(right: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        ((right as f64 / of as f64) * 1000.0).round() / 1000.0
    }
}

/// Runs the rules over the set. A malformed line is an error naming it.
pub fn evaluate(set: &str) -> Result<Report, String> {
    let mut r = Report::default();
    let (mut cat_right, mut pri_right, mut urgent, mut urgent_hit, mut said_urgent) = (0, 0, 0, 0, 0);
    for (n, line) in set.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let tip: Labelled = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let s = super::suggest(&tip.text);
        r.tips += 1;
        let right = s.category == tip.category;
        cat_right += usize::from(right);
        pri_right += usize::from(s.priority == tip.priority);
        let entry = r.per_category.entry(tip.category.as_str().to_owned()).or_default();
        entry.0 += usize::from(right);
        entry.1 += 1;
        let style = r.per_style.entry(tip.style.clone()).or_default();
        style.0 += usize::from(right);
        style.1 += 1;
        if s.priority == Priority::Urgent {
            said_urgent += 1;
        }
        if tip.priority == Priority::Urgent {
            urgent += 1;
            if s.priority == Priority::Urgent {
                urgent_hit += 1;
            } else {
                r.missed_urgent.push(tip.id.clone());
            }
        }
    }
    r.category_accuracy = ratio(cat_right, r.tips);
    r.priority_accuracy = ratio(pri_right, r.tips);
    r.urgent_recall = ratio(urgent_hit, urgent);
    r.urgent_precision = ratio(urgent_hit, said_urgent);
    Ok(r)
}
