//! Search everywhere it belongs (issue 7): posts, procedure guides, forms, units and areas for everyone; tips and
//! questions for officers, within the subtree they work. Runs in the store's own full-text engine over words
//! computed here (`binhyen_text::words`): folded, so "trom cho" finds "trộm chó"; and exact, so a query typed with
//! full tone marks ranks "trộm chó" above "trộm ở chợ … cho". Titles weigh more than text, recent wins ties.
//! Results carry the title and a snippet of the original text with the query's words marked.
//!
//! Documents are kept current by the store's triggers, which queue every change in the changing transaction, and
//! by the indexer (`index.rs`) that the job worker runs, which drains the queue.

mod index;
mod query;
mod snippet;

use crate::Search;
use binhyen_domain::error::Invalid;
use binhyen_domain::permission::{Action, Actor};
use binhyen_store::search::{self, Hit, SearchQuery};

use crate::Result;
pub use index::{document, markdown_text};
pub use query::{parse, ParsedQuery, MAX_QUERY_CHARS, MAX_QUERY_WORDS};
pub use snippet::Segment;

/// What can be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchKind {
    Post,
    Guide,
    Form,
    Unit,
    Area,
    Tip,
    Question,
}

impl SearchKind {
    pub const ALL: [SearchKind; 7] = [
        SearchKind::Post,
        SearchKind::Guide,
        SearchKind::Form,
        SearchKind::Unit,
        SearchKind::Area,
        SearchKind::Tip,
        SearchKind::Question,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Post => "post",
            SearchKind::Guide => "guide",
            SearchKind::Form => "form",
            SearchKind::Unit => "unit",
            SearchKind::Area => "area",
            SearchKind::Tip => "tip",
            SearchKind::Question => "question",
        }
    }

    pub fn parse(s: &str) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// "post,guide" → the kinds named; an unknown name is refused (`kind`, `unknown_kind`). Empty means all.
    pub fn parse_list(list: &str) -> Result<Vec<SearchKind>> {
        list.split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| SearchKind::parse(k).ok_or_else(|| Invalid::new("kind", "unknown_kind").into()))
            .collect()
    }
}

/// One search, as asked.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    pub q: String,
    /// Kinds to search; empty for every kind the asker may see.
    pub kinds: Vec<SearchKind>,
    /// From 0.
    pub page: i64,
    /// Results per page (1–50).
    pub per_page: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    pub kind: SearchKind,
    pub ref_id: i64,
    pub unit_id: Option<i64>,
    /// The owning unit's code, for links.
    pub unit_code: Option<String>,
    /// The title with the query's words marked (empty for tips and questions, which have none).
    pub title: Vec<Segment>,
    /// A passage of the text around the query's words, marked.
    pub snippet: Vec<Segment>,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub results: Vec<SearchResult>,
    pub has_more: bool,
}

impl Search<'_> {
    /// Searches for `input.q`. Everyone finds public documents; an officer (`officer`) also finds the tips and
    /// questions of the subtree they work.
    pub async fn search(&self, officer: Option<&Actor>, input: &SearchInput) -> Result<SearchPage> {
        let parsed = parse(&input.q)?;
        let root = match officer {
            Some(actor) if self.authorize(actor, Action::WorkTips, actor.unit_id).await.is_ok() => Some(actor.unit_id),
            _ => None,
        };
        let per_page = if input.per_page <= 0 { 20 } else { input.per_page.min(50) };
        let kinds: Vec<&'static str> = input.kinds.iter().map(|k| k.as_str()).collect();
        let q = SearchQuery {
            words: parsed.alternatives.clone(),
            exact: parsed.exact.clone(),
            kinds,
            tip_root: root,
            question_root: root,
            now_ms: self.now_ms(),
            limit: per_page + 1,
            offset: input.page.clamp(0, 1000) * per_page,
        };
        let mut hits = self.store.search(&q).await?;
        let has_more = hits.len() as i64 > per_page;
        hits.truncate(per_page as usize);
        let results = hits.into_iter().filter_map(|hit| result(&parsed, hit)).collect();
        Ok(SearchPage { results, has_more })
    }

    /// Indexes what the store's triggers queued, until nothing waits; the number of changes handled.
    pub async fn index_search(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.index_search_batch().await?;
            total += n;
            if n == 0 {
                return Ok(total);
            }
        }
    }

    /// How many changes wait to be indexed.
    pub async fn search_backlog(&self) -> Result<i64> {
        Ok(self.store.search_queue_len().await?)
    }
}

fn result(parsed: &ParsedQuery, hit: Hit) -> Option<SearchResult> {
    let kind = SearchKind::parse(&hit.kind)?;
    debug_assert!(search::kinds().any(|k| k == hit.kind));
    Some(SearchResult {
        kind,
        ref_id: hit.ref_id,
        unit_id: hit.unit_id,
        unit_code: hit.unit_code,
        title: snippet::marked(&hit.title, parsed),
        snippet: snippet::passage(&hit.body, parsed),
        at_ms: hit.at_ms,
    })
}

#[cfg(test)]
mod tests;
