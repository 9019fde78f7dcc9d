//! The search benchmark's data (`crates/server/bench/search/`, see its README): a deterministic generator of
//! Vietnamese documents such as a provincial police force's system holds, a hand-written query set whose
//! relevant and distractor documents are planted among them, and the relevance metrics (MRR@10, nDCG@10).
//!
//! Relevance is judged on the planted documents only (known-item evaluation): the background never contains a
//! phrase that a query means (a test checks a sample), so a background document in the results counts as not
//! relevant.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::Deserialize;

const QUERIES: &str = include_str!("../../bench/search/queries.jsonl");
const TEMPLATES: &str = include_str!("../../bench/search/templates.txt");

/// 2020-01-01T00:00:00Z and 2026-11-01T00:00:00Z: the documents' times lie between.
const START_MS: i64 = 1_577_836_800_000;
const END_MS: i64 = 1_793_491_200_000;
const DAY_MS: i64 = 86_400_000;
/// Vietnam is UTC+7 all year: dates written in the text are local.
const VIETNAM_OFFSET_MS: i64 = 7 * 3_600_000;
const TITLE_WORDS: std::ops::RangeInclusive<usize> = 4..=14;
const BODY_WORDS: std::ops::RangeInclusive<usize> = 20..=120;
/// Per thousand background documents: written without any diacritics, as some citizens type.
const BARE_PER_MILLE: u64 = 30;
/// Per thousand: the document's wording uses abbreviations (CSGT, UBND, TP).
const ABBREVIATED_PER_MILLE: u64 = 250;

/// One generated document. `key` is Some for the planted documents of the query set ("q07-r1", "q07-d2"), None
/// for background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenDoc {
    pub key: Option<String>,
    pub title: String,
    pub body: String,
    pub at_ms: i64,
}

/// One query of the set, parsed from queries.jsonl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub id: String,
    /// As typed: with or without marks, abbreviated, uppercase, even decomposed (NFD).
    pub text: String,
    /// `full`, `none`, `abbrev`, `tone_style`, `d_stroke` or `mixed` (see the README).
    pub style: String,
    /// (doc key, grade 1|2): 2 is exactly what was asked, 1 is related.
    pub relevant: Vec<(String, u8)>,
}

/// The query set. Panics with the line's number on a malformed line (a unit test guards the file).
pub fn queries() -> Vec<Query> {
    raw_queries()
        .into_iter()
        .map(|q| Query {
            relevant: q
                .relevant
                .iter()
                .enumerate()
                .map(|(i, d)| (format!("{}-r{}", q.id, i + 1), d.grade.unwrap_or_default()))
                .collect(),
            id: q.id,
            text: q.query,
            style: q.style,
        })
        .collect()
}

/// Deterministic for (n, seed): n documents in all, the planted ones (every relevant and distractor document of
/// every query) at positions fixed by the seed, the rest background generated from the templates. Panics when n
/// is smaller than the number of planted documents.
pub fn documents(n: usize, seed: u64) -> impl Iterator<Item = GenDoc> {
    let planted = planted_documents();
    assert!(
        n >= planted.len(),
        "documents: n = {n} cannot hold the {} planted documents of the query set",
        planted.len()
    );
    let mut rng = Rng::new(seed ^ 0x5EA2_C4DA_7A5E_ED00);
    let mut taken = std::collections::HashSet::with_capacity(planted.len());
    let mut positions = Vec::with_capacity(planted.len());
    while positions.len() < planted.len() {
        let at = rng.below(n);
        if taken.insert(at) {
            positions.push(at);
        }
    }
    positions.sort_unstable();
    // Which planted document goes where: shuffled, so that one query's documents are not neighbours.
    let mut order: Vec<usize> = (0..planted.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let slots = positions.into_iter().zip(order).collect();
    Documents { n, next: 0, seed, slots, cursor: 0, planted: planted.into_iter().map(Some).collect() }
}

/// Reciprocal rank of the first document with grade ≥ 1 among the first 10 of `ranked`, else 0.
pub fn reciprocal_rank(ranked: &[Option<String>], relevant: &[(String, u8)]) -> f64 {
    ranked
        .iter()
        .take(10)
        .position(|key| key.as_deref().is_some_and(|k| grade_of(k, relevant) >= 1))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// nDCG@10: gain 2^grade − 1, discount log2(rank + 1), normalised by the ideal ranking of the relevant grades.
/// A key repeated in `ranked` counts once, where it first appears. 0 when nothing is relevant.
pub fn ndcg_at_10(ranked: &[Option<String>], relevant: &[(String, u8)]) -> f64 {
    let gain = |grade: u8| f64::from((1u32 << grade) - 1);
    let discount = |i: usize| (i as f64 + 2.0).log2();
    let mut seen: Vec<&str> = Vec::with_capacity(10);
    let mut dcg = 0.0;
    for (i, key) in ranked.iter().take(10).enumerate() {
        let Some(key) = key.as_deref() else { continue };
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        dcg += gain(grade_of(key, relevant)) / discount(i);
    }
    let mut ideal: Vec<u8> = relevant.iter().map(|(_, g)| *g).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(10).enumerate().map(|(i, g)| gain(*g) / discount(i)).sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

fn grade_of(key: &str, relevant: &[(String, u8)]) -> u8 {
    relevant.iter().find(|(k, _)| k == key).map_or(0, |(_, g)| *g)
}

// ---------------------------------------------------------------------------------------------------------------
// The query file

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    id: String,
    query: String,
    style: String,
    /// The phrases the query means, fully marked: the background never contains them (checked by a test).
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    meaning: Vec<String>,
    relevant: Vec<RawDoc>,
    #[serde(default)]
    distractors: Vec<RawDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    title: String,
    body: String,
    #[serde(default)]
    grade: Option<u8>,
}

const STYLES: [&str; 6] = ["full", "none", "abbrev", "tone_style", "d_stroke", "mixed"];

fn raw_queries() -> Vec<RawQuery> {
    let mut out: Vec<RawQuery> = Vec::new();
    for (i, line) in QUERIES.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = i + 1;
        let q: RawQuery = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("bench/search/queries.jsonl line {at}: not a query object: {e}"));
        let problem = if out.iter().any(|o| o.id == q.id) {
            Some("the id is used twice")
        } else if !STYLES.contains(&q.style.as_str()) {
            Some("unknown style")
        } else if q.query.trim().is_empty() {
            Some("empty query")
        } else if q.relevant.is_empty() {
            Some("no relevant document")
        } else if q.relevant.iter().any(|d| !matches!(d.grade, Some(1 | 2))) {
            Some("a relevant document's grade must be 1 or 2")
        } else if q.distractors.iter().any(|d| d.grade.is_some()) {
            Some("a distractor has no grade")
        } else {
            None
        };
        if let Some(problem) = problem {
            panic!("bench/search/queries.jsonl line {at} ({}): {problem}", q.id);
        }
        out.push(q);
    }
    out
}

struct Planted {
    key: String,
    title: String,
    body: String,
}

fn planted_documents() -> Vec<Planted> {
    let mut out = Vec::new();
    for q in raw_queries() {
        for (kind, docs) in [("r", q.relevant), ("d", q.distractors)] {
            for (i, d) in docs.into_iter().enumerate() {
                out.push(Planted { key: format!("{}-{kind}{}", q.id, i + 1), title: d.title, body: d.body });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// The generator

struct Documents {
    n: usize,
    next: usize,
    seed: u64,
    /// (position, index into `planted`), by position.
    slots: Vec<(usize, usize)>,
    cursor: usize,
    planted: Vec<Option<Planted>>,
}

impl Iterator for Documents {
    type Item = GenDoc;

    fn next(&mut self) -> Option<GenDoc> {
        if self.next >= self.n {
            return None;
        }
        let at = self.next;
        self.next += 1;
        // Each document from its own stream: its content depends on (seed, position) only.
        let mut rng = Rng::new(self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ (at as u64));
        let at_ms = time(&mut rng);
        if let Some(&(pos, index)) = self.slots.get(self.cursor) {
            if pos == at {
                self.cursor += 1;
                let p = self.planted[index].take().expect("each planted document is placed once");
                return Some(GenDoc { key: Some(p.key), title: p.title, body: p.body, at_ms });
            }
        }
        let (title, body) = grammar().document(&mut rng, at_ms);
        Some(GenDoc { key: None, title, body, at_ms })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.n - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Documents {}

/// More documents in later years (the system's use grows): density rising linearly over the span.
fn time(rng: &mut Rng) -> i64 {
    let span = (END_MS - START_MS) as f64;
    let u = rng.unit().sqrt();
    (START_MS + (span * u) as i64).min(END_MS - 1)
}

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut r = Rng(seed);
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    fn per_mille(&mut self, p: u64) -> bool {
        self.next() % 1000 < p
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One piece of a template line.
enum Piece {
    Text(&'static str),
    List(usize),
    /// `{@name}`: like `List`, but the same text wherever it recurs in the document.
    Same(usize),
    Value(Value),
    /// `{a|b}`: one at random.
    OneOf(Vec<Vec<Piece>>),
    /// `[a|b]`: by the document's tone style.
    Tone(Vec<Vec<Piece>>),
    /// `<a|b>`: by the document's wording (full or abbreviated).
    Wording(Vec<Vec<Piece>>),
}

#[derive(Clone, Copy)]
enum Value {
    Date,
    YearNow,
    Hour,
    Small,
    Count,
    Age,
    BirthYear,
    Plate,
}

impl Value {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "#date" => Value::Date,
            "#yearnow" => Value::YearNow,
            "#h" => Value::Hour,
            "#n" => Value::Small,
            "#nn" => Value::Count,
            "#age" => Value::Age,
            "#year" => Value::BirthYear,
            "#plate" => Value::Plate,
            _ => return None,
        })
    }
}

struct Kind {
    weight: u32,
    title: usize,
    lead: usize,
    more: Vec<usize>,
}

/// One line of a list: its pieces and, on a title's line, the first sentence that goes with it (after " || ").
struct Line {
    pieces: Vec<Piece>,
    lead: Option<Vec<Piece>>,
}

struct Grammar {
    lists: Vec<Vec<Line>>,
    kinds: Vec<Kind>,
    total_weight: u32,
    end: usize,
}

/// What stays the same through one document.
struct Context {
    tone: usize,
    wording: usize,
    /// Days since 1970-01-01 in Vietnam time.
    day: i64,
    /// What `{@name}` gave so far: (list, text).
    same: Vec<(usize, String)>,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::parse(TEMPLATES))
}

impl Grammar {
    /// Panics with the line's number on a malformed file (compiled in; the tests parse it).
    fn parse(src: &'static str) -> Grammar {
        // Lines: (line number, text), without comments and blank lines.
        let lines: Vec<(usize, &'static str)> = src
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let mut names: HashMap<&'static str, usize> = HashMap::new();
        for (at, line) in &lines {
            if let Some(name) = line.strip_prefix("= ") {
                let next = names.len();
                if names.insert(name.trim(), next).is_some() {
                    panic!("bench/search/templates.txt line {at}: list {name:?} defined twice");
                }
            }
        }
        let mut lists: Vec<Vec<Line>> = (0..names.len()).map(|_| Vec::new()).collect();
        let mut kind_lines: Vec<(usize, &'static str)> = Vec::new();
        let mut current: Option<&'static str> = None;
        for &(at, line) in &lines {
            if let Some(name) = line.strip_prefix("= ") {
                current = Some(name.trim());
                continue;
            }
            let Some(name) = current else {
                panic!("bench/search/templates.txt line {at}: text before the first list");
            };
            if name == "kinds" {
                kind_lines.push((at, line));
                continue;
            }
            let (first, lead) = match line.split_once(" || ") {
                Some((title, lead)) if name.starts_with("title.") => (title, Some(lead)),
                Some(_) => panic!("bench/search/templates.txt line {at}: \" || \" only on a title's line"),
                None => (line, None),
            };
            let parse = |text: &'static str| parse_seq(text, &mut 0, &[], &names, at);
            lists[names[name]].push(Line { pieces: parse(first), lead: lead.map(parse) });
        }
        for (name, &i) in &names {
            if *name != "kinds" && lists[i].is_empty() {
                panic!("bench/search/templates.txt: list {name:?} is empty");
            }
        }
        let list = |name: &str, at: usize| -> usize {
            *names.get(name).unwrap_or_else(|| panic!("bench/search/templates.txt line {at}: no list {name:?}"))
        };
        let kinds: Vec<Kind> = kind_lines
            .iter()
            .map(|&(at, line)| {
                let mut words = line.split_whitespace();
                let kind = words.next().unwrap_or_default();
                let weight = words
                    .next()
                    .and_then(|w| w.parse().ok())
                    .unwrap_or_else(|| panic!("bench/search/templates.txt line {at}: \"kind weight [extra…]\""));
                let mut more = vec![list(&format!("more.{kind}"), at)];
                more.extend(words.map(|extra| list(&format!("more.{extra}"), at)));
                assert!(
                    more.iter().map(|&m| lists[m].len()).sum::<usize>() <= 64,
                    "bench/search/templates.txt line {at}: at most 64 further sentences per kind"
                );
                Kind {
                    weight,
                    title: list(&format!("title.{kind}"), at),
                    lead: list(&format!("lead.{kind}"), at),
                    more,
                }
            })
            .collect();
        assert!(!kinds.is_empty(), "bench/search/templates.txt: no kinds");
        let total_weight = kinds.iter().map(|k| k.weight).sum();
        let end = list("end", 0);
        Grammar { lists, kinds, total_weight, end }
    }

    /// A background document's title and body.
    fn document(&self, rng: &mut Rng, at_ms: i64) -> (String, String) {
        let mut ctx = Context {
            tone: rng.below(2),
            wording: usize::from(rng.per_mille(ABBREVIATED_PER_MILLE)),
            day: (at_ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS),
            same: Vec::new(),
        };
        let mut pick = rng.below(self.total_weight as usize) as u32;
        let kind = self.kinds.iter().find(|k| {
            if pick < k.weight {
                return true;
            }
            pick -= k.weight;
            false
        });
        let kind = kind.unwrap_or(&self.kinds[0]);

        let mut title = String::with_capacity(96);
        let mut lead = None;
        for attempt in 0.. {
            title.clear();
            ctx.same.clear();
            let titles = &self.lists[kind.title];
            let line = &titles[rng.below(titles.len())];
            let words = self.expand_sentence(&line.pieces, rng, &mut ctx, &mut title);
            lead = line.lead.as_deref();
            if TITLE_WORDS.contains(&words) {
                break;
            }
            if attempt == 8 {
                truncate_words(&mut title, *TITLE_WORDS.end(), false);
                break;
            }
        }

        let mut body = String::with_capacity(600);
        let target = BODY_WORDS.start() + rng.below(51) + rng.below(51);
        let mut words = match lead {
            Some(lead) => self.expand_sentence(lead, rng, &mut ctx, &mut body),
            None => self.sentence(kind.lead, rng, &mut ctx, &mut body),
        };
        let available: usize = kind.more.iter().map(|&m| self.lists[m].len()).sum();
        let mut used = 0u64;
        while words < target && used.count_ones() < available as u32 {
            // A further sentence not used yet in this document.
            let mut i = rng.below(available);
            while used & (1 << i) != 0 {
                i = (i + 1) % available;
            }
            used |= 1 << i;
            let (list, item) = locate(&self.lists, &kind.more, i);
            let before = body.len();
            body.push(' ');
            let added = self.expand_sentence(&self.lists[list][item].pieces, rng, &mut ctx, &mut body);
            if words + added > *BODY_WORDS.end() {
                body.truncate(before);
                break;
            }
            words += added;
        }
        if words < *BODY_WORDS.start() || rng.below(2) == 0 {
            let before = body.len();
            body.push(' ');
            let added = self.sentence(self.end, rng, &mut ctx, &mut body);
            if words + added > *BODY_WORDS.end() {
                body.truncate(before);
            } else {
                words += added;
            }
        }
        if words < *BODY_WORDS.start() {
            body.push_str(
                " Mọi thông tin, bà con liên hệ công an xã nơi cư trú hoặc gọi số 113 để được hỗ trợ kịp thời.",
            );
        }
        truncate_words(&mut body, *BODY_WORDS.end(), true);

        if rng.per_mille(BARE_PER_MILLE) {
            title = bare(&title);
            body = bare(&body);
        }
        (title, body)
    }

    /// One alternative of list `list`, as a sentence (first letter uppercase); its number of words.
    fn sentence(&self, list: usize, rng: &mut Rng, ctx: &mut Context, out: &mut String) -> usize {
        let alternatives = &self.lists[list];
        let line = &alternatives[rng.below(alternatives.len())];
        self.expand_sentence(&line.pieces, rng, ctx, out)
    }

    fn expand_sentence(&self, seq: &[Piece], rng: &mut Rng, ctx: &mut Context, out: &mut String) -> usize {
        let start = out.len();
        self.expand(seq, rng, ctx, out);
        if let Some(first) = out[start..].chars().next() {
            if first.is_lowercase() {
                let upper: String = first.to_uppercase().collect();
                out.replace_range(start..start + first.len_utf8(), &upper);
            }
        }
        // Templates separate words with single spaces (the tests check the output is normalised).
        1 + out.as_bytes()[start..].iter().filter(|&&b| b == b' ').count()
    }

    fn expand(&self, seq: &[Piece], rng: &mut Rng, ctx: &mut Context, out: &mut String) {
        for piece in seq {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::List(i) => {
                    let alternatives = &self.lists[*i];
                    self.expand(&alternatives[rng.below(alternatives.len())].pieces, rng, ctx, out);
                }
                Piece::Same(i) => {
                    if let Some((_, text)) = ctx.same.iter().find(|(list, _)| list == i) {
                        out.push_str(text);
                    } else {
                        let alternatives = &self.lists[*i];
                        let mut text = String::new();
                        self.expand(&alternatives[rng.below(alternatives.len())].pieces, rng, ctx, &mut text);
                        out.push_str(&text);
                        ctx.same.push((*i, text));
                    }
                }
                Piece::OneOf(alternatives) => {
                    self.expand(&alternatives[rng.below(alternatives.len())], rng, ctx, out);
                }
                Piece::Tone(alternatives) => self.expand(&alternatives[ctx.tone], rng, ctx, out),
                Piece::Wording(alternatives) => self.expand(&alternatives[ctx.wording], rng, ctx, out),
                Piece::Value(v) => value(*v, rng, ctx, out),
            }
        }
    }
}

/// The `i`-th sentence of the concatenation of `lists`.
fn locate(all: &[Vec<Line>], lists: &[usize], mut i: usize) -> (usize, usize) {
    for &list in lists {
        if i < all[list].len() {
            return (list, i);
        }
        i -= all[list].len();
    }
    unreachable!("the index is below the total")
}

fn value(v: Value, rng: &mut Rng, ctx: &Context, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = match v {
        Value::Date => {
            let (y, m, d) = civil_from_days(ctx.day - rng.range(0, 6));
            write!(out, "{d:02}/{m:02}/{y}")
        }
        Value::YearNow => write!(out, "{}", civil_from_days(ctx.day).0),
        Value::Hour => write!(out, "{}", rng.range(1, 23)),
        Value::Small => write!(out, "{}", rng.range(2, 30)),
        Value::Count => write!(out, "{}", rng.range(10, 500)),
        Value::Age => write!(out, "{}", rng.range(16, 70)),
        Value::BirthYear => write!(out, "{}", rng.range(1960, 2008)),
        Value::Plate => {
            write!(out, "47{}-{:03}.{:02}", ["A", "B", "C", "H"][rng.below(4)], rng.below(1000), rng.below(100))
        }
    };
}

/// (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Keeps the first `max` words of `s` (words are separated by single spaces); a cut sentence ends with a full stop.
fn truncate_words(s: &mut String, max: usize, full_stop: bool) {
    if let Some((at, _)) = s.match_indices(' ').nth(max - 1) {
        s.truncate(at);
        s.truncate(s.trim_end_matches([',', ':', ';', '-']).trim_end().len());
        if full_stop && !s.ends_with(['.', '?', '!']) {
            s.push('.');
        }
    }
}

/// Parses a template line from `pos` up to (not including) one of `stops` or the end.
fn parse_seq(
    line: &'static str,
    pos: &mut usize,
    stops: &[u8],
    names: &HashMap<&'static str, usize>,
    at: usize,
) -> Vec<Piece> {
    let bytes = line.as_bytes();
    let mut seq = Vec::new();
    let mut text_from = *pos;
    while *pos < bytes.len() {
        let b = bytes[*pos];
        if stops.contains(&b) {
            break;
        }
        let close = match b {
            b'{' => b'}',
            b'[' => b']',
            b'<' => b'>',
            b'|' | b'}' | b']' | b'>' => {
                panic!("bench/search/templates.txt line {at}: unexpected {:?}", b as char)
            }
            _ => {
                *pos += 1;
                continue;
            }
        };
        if text_from < *pos {
            seq.push(Piece::Text(&line[text_from..*pos]));
        }
        *pos += 1;
        let mut alternatives = Vec::new();
        loop {
            alternatives.push(parse_seq(line, pos, &[b'|', close], names, at));
            match bytes.get(*pos) {
                Some(b'|') => *pos += 1,
                Some(&c) if c == close => {
                    *pos += 1;
                    break;
                }
                _ => panic!("bench/search/templates.txt line {at}: {:?} is not closed", close as char),
            }
        }
        seq.push(match b {
            b'{' if alternatives.len() == 1 => {
                let name = match alternatives[0].as_slice() {
                    [Piece::Text(name)] => *name,
                    _ => panic!("bench/search/templates.txt line {at}: {{…}} holds a list's name or alternatives"),
                };
                let list = |name: &str| -> usize {
                    *names.get(name).unwrap_or_else(|| panic!("bench/search/templates.txt line {at}: no list {name:?}"))
                };
                if let Some(v) = Value::parse(name) {
                    Piece::Value(v)
                } else if let Some(name) = name.strip_prefix('@') {
                    Piece::Same(list(name))
                } else {
                    Piece::List(list(name))
                }
            }
            b'{' => Piece::OneOf(alternatives),
            _ if alternatives.len() != 2 => {
                panic!("bench/search/templates.txt line {at}: [a|b] and <a|b> take exactly two alternatives")
            }
            b'[' => Piece::Tone(alternatives),
            _ => Piece::Wording(alternatives),
        });
        text_from = *pos;
    }
    if text_from < *pos {
        seq.push(Piece::Text(&line[text_from..*pos]));
    }
    seq
}

/// Without diacritics, as typed on a keyboard without Vietnamese input: "Đắk Lắk" → "Dak Lak". Case is kept.
fn bare(s: &str) -> String {
    const MARKED: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđŭ";
    const PLAIN: &str = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydu";
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                return c;
            }
            let lower = c.to_lowercase().next().unwrap_or(c);
            match MARKED.chars().position(|m| m == lower) {
                Some(i) => {
                    let plain = PLAIN.as_bytes()[i] as char;
                    if c == lower {
                        plain
                    } else {
                        plain.to_ascii_uppercase()
                    }
                }
                None => c,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ks: &[&str]) -> Vec<Option<String>> {
        ks.iter().map(|k| if k.is_empty() { None } else { Some((*k).to_owned()) }).collect()
    }

    fn rel(rs: &[(&str, u8)]) -> Vec<(String, u8)> {
        rs.iter().map(|(k, g)| ((*k).to_owned(), *g)).collect()
    }

    #[test]
    fn the_query_set_parses_and_has_every_style() {
        let qs = queries();
        assert!(qs.len() >= 60, "{} queries", qs.len());
        let count = |style: &str| qs.iter().filter(|q| q.style == style).count();
        for (style, min) in
            [("full", 15), ("none", 15), ("abbrev", 8), ("tone_style", 6), ("d_stroke", 4), ("mixed", 6)]
        {
            assert!(count(style) >= min, "{style}: {} queries, at least {min} wanted", count(style));
        }
        for q in &qs {
            assert!(!q.relevant.is_empty(), "{}", q.id);
            assert!(q.relevant.len() <= 3 && q.relevant.iter().all(|(_, g)| (1..=2).contains(g)), "{}", q.id);
            let words = q.text.split_whitespace().count();
            assert!((1..=6).contains(&words), "{}: {words} words", q.id);
        }
        for q in raw_queries() {
            assert!((1..=3).contains(&q.distractors.len()), "{}: 1 to 3 distractors", q.id);
            assert!(!q.meaning.is_empty(), "{}: what the query means", q.id);
        }
    }

    #[test]
    fn queries_are_typed_as_their_style_says() {
        let has_marks = |s: &str| !s.is_ascii();
        for q in queries() {
            match q.style.as_str() {
                "none" | "abbrev" => assert!(!has_marks(&q.text), "{}: {:?}", q.id, q.text),
                "full" | "tone_style" => {
                    assert_eq!(binhyen_text::normalize(&q.text), q.text, "{}: NFC", q.id);
                    assert!(has_marks(&q.text), "{}", q.id);
                }
                "d_stroke" => assert!(!q.text.contains(['đ', 'Đ']) && q.text.contains('d'), "{}", q.id),
                _ => {}
            }
        }
    }

    #[test]
    fn documents_are_deterministic_and_hold_every_planted_document_once() {
        let a: Vec<GenDoc> = documents(2000, 7).collect();
        let b: Vec<GenDoc> = documents(2000, 7).collect();
        assert_eq!(a.len(), 2000);
        assert!(a == b, "two runs with the same seed differ");
        let c: Vec<GenDoc> = documents(2000, 8).collect();
        assert!(a != c, "another seed gives the same documents");

        let planted = planted_documents();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for d in &a {
            if let Some(k) = &d.key {
                *seen.entry(k.as_str()).or_default() += 1;
            }
        }
        assert_eq!(seen.len(), planted.len());
        for p in &planted {
            assert_eq!(seen.get(p.key.as_str()), Some(&1), "{}", p.key);
        }
        // Every relevant key of the query set is a planted document.
        for q in queries() {
            for (k, _) in &q.relevant {
                assert!(seen.contains_key(k.as_str()), "{k}");
            }
        }
    }

    #[test]
    fn documents_are_nfc_of_the_stated_lengths_and_times() {
        for d in documents(2000, 7) {
            let who = d.key.clone().unwrap_or_else(|| d.title.clone());
            assert_eq!(binhyen_text::normalize(&d.title), d.title, "{who}: title not NFC or not trimmed");
            assert_eq!(binhyen_text::normalize(&d.body), d.body, "{who}: body not NFC or not trimmed");
            let tw = d.title.split_whitespace().count();
            let bw = d.body.split_whitespace().count();
            assert!(TITLE_WORDS.contains(&tw), "{who}: title of {tw} words: {}", d.title);
            assert!(BODY_WORDS.contains(&bw), "{who}: body of {bw} words: {}", d.body);
            assert!((START_MS..END_MS).contains(&d.at_ms), "{who}: {}", d.at_ms);
            assert!(!d.body.contains(['{', '}', '[', ']', '<', '>', '|']), "{who}: template syntax left: {}", d.body);
        }
    }

    #[test]
    fn background_varies_as_real_text_does() {
        let docs: Vec<GenDoc> = documents(5000, 3).filter(|d| d.key.is_none()).collect();
        let any = |f: &dyn Fn(&str) -> bool| docs.iter().any(|d| f(&d.title) || f(&d.body));
        assert!(any(&|t| t.contains("hoà")) && any(&|t| t.contains("hòa")), "both tone placements");
        assert!(any(&|t| t.contains("CSGT")) && any(&|t| t.contains("UBND")), "abbreviations");
        assert!(any(&|t| t.contains("Cảnh sát giao thông")), "the same in full");
        let bare = docs.iter().filter(|d| d.body.is_ascii()).count();
        assert!(bare > 50 && bare < 300, "{bare} documents without diacritics");
        let titles: std::collections::HashSet<&str> = docs.iter().map(|d| d.title.as_str()).collect();
        // Province-wide pieces are reposted by many units, so titles do repeat, but most are distinct.
        assert!(titles.len() > docs.len() / 2, "titles repeat too often: {} distinct", titles.len());
        let words: std::collections::HashSet<String> =
            docs.iter().flat_map(|d| binhyen_text::tokens(&d.body)).collect();
        assert!(words.len() > 500, "{} distinct folded words", words.len());
    }

    /// Lowercase, and the tone of "oa", "oe", "uy" moved to the first vowel (on precomposed letters; applied to
    /// both sides of a comparison alike).
    fn tone_key(s: &str) -> String {
        const TONED: [&str; 5] = ["aàáảãạ", "eèéẻẽẹ", "yỳýỷỹỵ", "oòóỏõọ", "uùúủũụ"];
        let chars: Vec<char> = s.to_lowercase().chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let tone_of = |c: char, row: &str| row.chars().position(|t| t == c).filter(|&p| p > 0);
            let second = next.and_then(|n| (0..3).find_map(|r| tone_of(n, TONED[r]).map(|t| (r, t))));
            if let Some((row, tone)) = second.filter(|_| c == 'o' || c == 'u') {
                let first_row = if c == 'o' { TONED[3] } else { TONED[4] };
                out.push(first_row.chars().nth(tone).unwrap_or(c));
                out.push(TONED[row].chars().next().unwrap_or(c));
                i += 2;
                continue;
            }
            out.push(c);
            i += 1;
        }
        out
    }

    /// `needle` in `hay` as whole words.
    fn contains_phrase(hay: &str, needle: &str) -> bool {
        hay.match_indices(needle).any(|(at, _)| {
            let before = hay[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = hay[at + needle.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
    }

    #[test]
    fn tone_key_ignores_the_placement() {
        assert_eq!(tone_key("Hoà giải"), tone_key("hòa giải"));
        assert_eq!(tone_key("THUỶ LỢI"), tone_key("thủy lợi"));
        assert!(contains_phrase("người dân phòng bệnh", "dân phòng"));
        assert!(!contains_phrase("nước sạch", "sạc"));
    }

    /// The premise of known-item evaluation: only the planted documents answer a query. No background document,
    /// and no planted document of another query, contains what a query means.
    #[test]
    fn only_planted_documents_contain_what_a_query_means() {
        let meanings: Vec<(String, Vec<String>)> =
            raw_queries().into_iter().map(|q| (q.id, q.meaning.iter().map(|m| tone_key(m)).collect())).collect();
        for d in documents(20_000, 11) {
            let text = tone_key(&format!("{} . {}", d.title, d.body));
            for (id, phrases) in &meanings {
                if d.key.as_deref().is_some_and(|k| k.starts_with(&format!("{id}-r"))) {
                    continue;
                }
                for p in phrases {
                    assert!(!contains_phrase(&text, p), "{:?} contains {p:?}, meant by {id}: {}", d.key, d.title);
                }
            }
        }
    }

    #[test]
    fn reciprocal_rank_on_hand_computed_cases() {
        let r = rel(&[("q01-r1", 2), ("q01-r2", 1)]);
        assert_eq!(reciprocal_rank(&keys(&["q01-r1", "q01-r2"]), &r), 1.0);
        assert_eq!(reciprocal_rank(&keys(&["", "q01-r2", "q01-r1"]), &r), 0.5);
        assert_eq!(reciprocal_rank(&keys(&["q01-d1", "", "q01-r2"]), &r), 1.0 / 3.0);
        assert_eq!(reciprocal_rank(&keys(&["", "q01-d1"]), &r), 0.0);
        assert_eq!(reciprocal_rank(&keys(&[]), &r), 0.0);
        // Beyond the tenth result it does not count.
        let late = keys(&["", "", "", "", "", "", "", "", "", "", "q01-r1"]);
        assert_eq!(reciprocal_rank(&late, &r), 0.0);
    }

    #[test]
    fn ndcg_on_hand_computed_cases() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let r = rel(&[("a", 2), ("b", 1)]);
        assert!(close(ndcg_at_10(&keys(&["a", "b"]), &r), 1.0));
        assert!(close(ndcg_at_10(&keys(&["a", "b", "", "x"]), &r), 1.0));
        assert_eq!(ndcg_at_10(&keys(&["", "x"]), &r), 0.0);
        // One relevant document (grade 2) at rank 2: (3 / log2 3) / (3 / log2 2).
        let one = rel(&[("a", 2)]);
        assert!(close(ndcg_at_10(&keys(&["", "a"]), &one), 1.0 / 3f64.log2()));
        // b then a at rank 3: (1 + 3/2) / (3 + 1/log2 3).
        let got = ndcg_at_10(&keys(&["b", "", "a"]), &r);
        assert!(close(got, 2.5 / (3.0 + 1.0 / 3f64.log2())), "{got}");
        // A repeated key counts once.
        assert!(close(ndcg_at_10(&keys(&["a", "a", "b"]), &r), (3.0 + 1.0 / 2.0) / (3.0 + 1.0 / 3f64.log2())));
        assert_eq!(ndcg_at_10(&keys(&["a"]), &[]), 0.0);
    }

    #[test]
    fn civil_dates_and_bare_text() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(START_MS / DAY_MS), (2020, 1, 1));
        assert_eq!(civil_from_days(END_MS / DAY_MS), (2026, 11, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(bare("Đắk Lắk, Y Nguôn Ayŭn, THUỶ"), "Dak Lak, Y Nguon Ayun, THUY");
    }

    /// `cargo test --release -p binhyen-server --lib search_data -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn a_million_documents_in_a_few_seconds() {
        let started = std::time::Instant::now();
        let (mut n, mut bytes, mut planted) = (0usize, 0usize, 0usize);
        for d in documents(1_000_000, 42) {
            n += 1;
            bytes += d.title.len() + d.body.len();
            planted += usize::from(d.key.is_some());
        }
        let seconds = started.elapsed().as_secs_f64();
        println!("{n} documents, {planted} planted, {} MB of text in {seconds:.2} s", bytes / 1_000_000);
        assert_eq!(n, 1_000_000);
    }
}
