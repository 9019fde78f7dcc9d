//! The evaluation of the triage rules on two labelled sets (written for the purpose: every category, with and
//! without tone marks, abbreviations and typos): accuracy per category, and the recall of urgent tips — missing an
//! urgent tip is the costly error. `data/triage/eval.jsonl` is the set the rules were written against;
//! `data/triage/heldout.jsonl` was written afterwards without reading the rules, so its figures say how the rules
//! generalise to tips they were not tuned on. `binhyen triage-eval` prints both.

use std::collections::BTreeMap;

use binhyen_domain::tip::{Priority, TipCategory};

/// The labelled set the rules were written against, embedded so that the report runs anywhere.
pub const EVAL_SET: &str = include_str!("../../data/triage/eval.jsonl");

/// The held-out set: written without reading the rules' cues and never used to tune them. Do not tune the rules
/// on its lines; if a rule change is made from a held-out tip, the set stops measuring generalisation.
pub const HELDOUT_SET: &str = include_str!("../../data/triage/heldout.jsonl");

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

/// The rules on the evaluation set (`eval.jsonl`).
pub fn eval_set() -> Result<Report, String> {
    evaluate(EVAL_SET).map_err(|e| format!("eval.jsonl: {e}"))
}

/// The rules on the held-out set (`heldout.jsonl`).
pub fn heldout() -> Result<Report, String> {
    evaluate(HELDOUT_SET).map_err(|e| format!("heldout.jsonl: {e}"))
}

/// One set's report with what the set is, as `binhyen triage-eval` prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SetReport {
    /// The file under `crates/core/data/triage/`.
    pub file: &'static str,
    /// What the set is: its Vietnamese name, and in English like the rest of the report what it measures.
    pub label: &'static str,
    #[serde(flatten)]
    pub report: Report,
}

/// Both sets, labelled: the one the rules were written against and the held-out one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reports {
    pub eval: SetReport,
    pub heldout: SetReport,
}

/// The rules on both sets.
pub fn reports() -> Result<Reports, String> {
    Ok(Reports {
        eval: SetReport {
            file: "eval.jsonl",
            label: "bộ đánh giá — the evaluation set the rules were written against",
            report: eval_set()?,
        },
        heldout: SetReport {
            file: "heldout.jsonl",
            label: "bộ kiểm tra độc lập (held-out) — written without reading the rules: how they generalise",
            report: heldout()?,
        },
    })
}
