//! The indexer: reads what the store's triggers queued, reads those sources as they are now, and replaces their
//! documents, in one transaction with removing them from the queue — a crash leaves them queued, never lost.

use std::collections::{BTreeMap, HashMap};

use binhyen_store::search::{self, NewDoc, Source, Term};
use pulldown_cmark::{Event, Parser, TagEnd};

use crate::{Core, Result};

/// Changes handled per transaction.
const BATCH: i64 = 500;
/// Text indexed per document; the rest of a very long text is not searched.
const MAX_BODY_CHARS: usize = 20_000;

/// A document for the index: its words computed from `title` and `body` (plain text).
pub fn document(source: Source, kind: &'static str, officer_only: bool) -> NewDoc {
    let body: String = match source.body.char_indices().nth(MAX_BODY_CHARS) {
        Some((cut, _)) => source.body[..cut].to_owned(),
        None => source.body,
    };
    let title = binhyen_text::normalize(&source.title);
    let body = binhyen_text::normalize_multiline(&body);
    let terms = |text: &str| -> Vec<Term> {
        binhyen_text::words(text).into_iter().map(|w| Term { exact: w.exact, folded: w.folded }).collect()
    };
    NewDoc {
        kind,
        ref_id: source.ref_id,
        unit_id: source.unit_id,
        officer_only,
        title_terms: terms(&title),
        body_terms: terms(&body),
        title,
        body,
        at_ms: source.at_ms,
    }
}

/// The words of a Markdown text, without its markup: what a post says.
pub fn markdown_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => out.push('\n'),
            _ => {}
        }
    }
    out
}

impl Core {
    /// One transaction's worth of queued changes; the number handled (0 when nothing waits, or another node is
    /// indexing).
    pub(super) async fn index_search_batch(&self) -> Result<usize> {
        let mut tx = self.store.begin().await?;
        if !search::hold_indexer(&mut tx).await? {
            return Ok(0);
        }
        let queued = search::queued(&mut tx, BATCH).await?;
        if queued.is_empty() {
            return Ok(0);
        }
        let mut by_kind: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
        for q in &queued {
            // A kind no longer indexed is dropped from the queue.
            if let Some(kind) = search::kinds().find(|k| *k == q.kind) {
                let ids = by_kind.entry(kind).or_default();
                if !ids.contains(&q.ref_id) {
                    ids.push(q.ref_id);
                }
            }
        }
        for (kind, ids) in &by_kind {
            let docs = self.documents_of(&mut tx, kind, ids).await?;
            search::replace_docs(&mut tx, kind, ids, &docs).await?;
        }
        let ids: Vec<i64> = queued.iter().map(|q| q.id).collect();
        search::dequeue(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(queued.len())
    }

    async fn documents_of(&self, tx: &mut binhyen_store::Tx, kind: &'static str, ids: &[i64]) -> Result<Vec<NewDoc>> {
        let sources = search::sources(tx, kind, ids).await?;
        let mut answers: HashMap<i64, Vec<String>> = HashMap::new();
        if kind == "question" {
            for (question, body) in search::question_answers(tx, ids).await? {
                answers.entry(question).or_default().push(body);
            }
        }
        let officer_only = search::OFFICER_KINDS.contains(&kind);
        Ok(sources
            .into_iter()
            .filter(|s| !s.hidden)
            .map(|mut s| {
                match kind {
                    "post" => s.body = markdown_text(&s.body),
                    "question" => {
                        for answer in answers.remove(&s.ref_id).unwrap_or_default() {
                            s.body.push('\n');
                            s.body.push_str(&answer);
                        }
                    }
                    _ => {}
                }
                document(s, kind, officer_only)
            })
            .collect())
    }
}
