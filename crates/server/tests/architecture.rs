//! ARCHITECTURE.md stays true: the paths it names exist, and its code map names every module.
//!
//! How a path is recognised in the prose (outside fenced blocks), in a `backticked` span:
//! - The span has no whitespace and none of `< > { } [ ] * ? = & : ; , ( ) ' " | $ @ …` (those are routes with
//!   parameters, placeholders, queries, Rust paths, prose), and does not start with `/` (a URL route such as
//!   `/api/v1/search`) or `./` (a place relative to where the binary runs, such as `./data/`).
//! - It then names a repository path when it starts with a folder of the repository's root (`crates/`,
//!   `scripts/`, `.ci/`), resolved from the root, or with a crate's folder (`core/src/seal.rs`,
//!   `server/tests/api`), resolved from `crates/`; a trailing `/` says it is a folder.
//! - Or when it ends in a source file's extension (`.rs`, `.sql`, `.toml`, `.sh`, `.md`, `.html`, `.js`,
//!   `.css`, `.jsonl`, `.csv`) after a name: a file named relative to the module the sentence is about
//!   (`tips/routes.rs`, `load.rs`, `app.js`), which must be the end of some file's path under `crates/`, on
//!   whole path components.
//! - Anything else is not a repository path: `word/document.xml` is inside an Office file, `seal.tag` a value.
//!
//! The code map (the fenced block under `## Code map`) is read as a tree: each line's first word is a path
//! relative to the nearest line above it that is indented less (two spaces a level), and must exist. Every
//! crate's folder under `crates/` has a `<crate>/src/` line, and every module of it (a `name.rs` other than
//! `lib.rs` and `main.rs`, or a folder `name/`) is on a line under it, as `name.rs` or `name/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ROOT_FOLDERS: &[&str] = &["crates/", "scripts/", ".ci/"];
const FILE_KINDS: &[&str] = &["rs", "sql", "toml", "sh", "md", "html", "js", "css", "jsonl", "csv"];
const NOT_IN_A_PATH: &[char] =
    &['<', '>', '{', '}', '[', ']', '*', '?', '=', '&', ':', ';', ',', '(', ')', '\'', '"', '|', '$', '@', '…'];

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository's root")
}

fn architecture() -> String {
    let path = repository().join("ARCHITECTURE.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The folders under `crates/`, each with its trailing slash (`core/`).
fn crate_folders(root: &Path) -> Vec<String> {
    let mut folders: Vec<String> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| format!("{}/", e.file_name().to_string_lossy()))
        .collect();
    folders.sort();
    folders
}

#[derive(Debug, PartialEq)]
enum Reference {
    /// Relative to the repository's root.
    Exact(String),
    /// The end of some file's path under `crates/`.
    Tail(String),
}

/// What a backticked span refers to, if it is a repository path (see the rules above).
fn reference(span: &str, crate_folders: &[String]) -> Option<Reference> {
    if span.is_empty()
        || span.chars().any(char::is_whitespace)
        || span.contains(NOT_IN_A_PATH)
        || span.starts_with('/')
        || span.starts_with("./")
    {
        return None;
    }
    if ROOT_FOLDERS.iter().any(|folder| span.starts_with(folder)) {
        return Some(Reference::Exact(span.to_owned()));
    }
    if crate_folders.iter().any(|folder| span.starts_with(folder.as_str())) {
        return Some(Reference::Exact(format!("crates/{span}")));
    }
    let name = span.rsplit('/').next().unwrap_or(span);
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && FILE_KINDS.contains(&extension) => {
            Some(Reference::Tail(span.to_owned()))
        }
        _ => None,
    }
}

/// Every backticked span outside fenced blocks, with the line it starts on (a span may go on to the next line).
fn spans(doc: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    let mut open: Option<(usize, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if let Some((_, text)) = open.as_mut() {
            text.push('\n');
        }
        for c in line.chars() {
            match (c, open.take()) {
                ('`', Some(span)) => out.push(span),
                ('`', None) => open = Some((i + 1, String::new())),
                (c, Some((at, mut text))) => {
                    text.push(c);
                    open = Some((at, text));
                }
                (_, None) => {}
            }
        }
    }
    out
}

/// The code map's lines as (line number, path from the repository's root).
fn code_map(doc: &str) -> Result<Vec<(usize, String)>, Vec<String>> {
    let lines: Vec<&str> = doc.lines().collect();
    let heading =
        lines.iter().position(|l| l.trim() == "## Code map").ok_or(vec!["no `## Code map` heading".into()])?;
    let open = (heading..lines.len())
        .find(|&i| lines[i].trim_start().starts_with("```"))
        .ok_or(vec!["no fenced block under `## Code map`".to_owned()])?;
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    // (indent, path) of the lines the next one may be under.
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(open + 1) {
        if line.trim_start().starts_with("```") {
            return if problems.is_empty() { Ok(entries) } else { Err(problems) };
        }
        if line.trim().is_empty() {
            continue;
        }
        let number = i + 1;
        let indent = line.len() - line.trim_start().len();
        let segment = line.split_whitespace().next().expect("not blank");
        while stack.last().is_some_and(|(above, _)| *above >= indent) {
            stack.pop();
        }
        let path = match stack.last() {
            Some((_, parent)) if !parent.ends_with('/') => {
                problems.push(format!("line {number}: `{segment}` is under `{parent}`, which is not a folder"));
                continue;
            }
            Some((_, parent)) => format!("{parent}{segment}"),
            None => segment.to_owned(),
        };
        if indent % 2 != 0 {
            problems.push(format!("line {number}: indented by {indent} spaces, not a multiple of two"));
        }
        stack.push((indent, path.clone()));
        entries.push((number, path));
    }
    Err(vec!["the code map's fenced block is not closed".into()])
}

fn exists(root: &Path, path: &str) -> bool {
    let full = root.join(path.trim_end_matches('/'));
    if path.ends_with('/') {
        full.is_dir()
    } else {
        full.exists()
    }
}

/// Every file under `crates/`, relative to the repository's root.
fn files_under_crates(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            // Build output, if someone builds without CARGO_TARGET_DIR, is not the repository.
            if name.starts_with('.') || name == "target" {
                continue;
            }
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(&path, root, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("crates"), root, &mut out);
    out
}

#[test]
fn every_path_named_in_architecture_md_exists() {
    let root = repository();
    let doc = architecture();
    let folders = crate_folders(&root);
    let files = files_under_crates(&root);
    let mut missing = Vec::new();
    let mut checked = 0;
    for (line, span) in spans(&doc) {
        match reference(&span, &folders) {
            Some(Reference::Exact(path)) => {
                checked += 1;
                if !exists(&root, &path) {
                    missing.push(format!("line {line}: `{span}` ({path} does not exist)"));
                }
            }
            Some(Reference::Tail(tail)) => {
                checked += 1;
                if !files.iter().any(|f| f == &tail || f.ends_with(&format!("/{tail}"))) {
                    missing.push(format!("line {line}: `{span}` (no file under crates/ ends with {tail})"));
                }
            }
            None => {}
        }
    }
    assert!(checked > 30, "only {checked} paths recognised: has the rule stopped matching?");
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist:\n  {}", missing.join("\n  "));
}

#[test]
fn the_code_map_names_every_module_and_only_what_exists() {
    let root = repository();
    let entries = code_map(&architecture()).unwrap_or_else(|problems| panic!("{}", problems.join("\n")));
    let mut problems = Vec::new();
    for (line, path) in &entries {
        if !exists(&root, path) {
            problems.push(format!("line {line}: {path} does not exist"));
        }
    }
    let listed: BTreeSet<&str> = entries.iter().map(|(_, p)| p.as_str()).collect();
    for folder in crate_folders(&root) {
        let src = format!("crates/{folder}src/");
        if !listed.contains(src.as_str()) {
            problems.push(format!("no line for {src}"));
            continue;
        }
        for entry in std::fs::read_dir(root.join(&src)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let module = if entry.file_type().unwrap().is_dir() {
                name
            } else {
                match name.strip_suffix(".rs") {
                    Some("lib" | "main") | None => continue,
                    Some(stem) => stem.to_owned(),
                }
            };
            let (file, folder) = (format!("{src}{module}.rs"), format!("{src}{module}/"));
            if !listed.contains(file.as_str()) && !listed.contains(folder.as_str()) {
                problems.push(format!("module {module} of {src} is not in the code map"));
            }
        }
    }
    assert!(problems.is_empty(), "ARCHITECTURE.md's code map is out of date:\n  {}", problems.join("\n  "));
}

/// clippy reads the nearest clippy.toml only, so a crate's own (core's adds `Instant::now`) must repeat every
/// method the workspace's disallows, or the crate would quietly escape the workspace's conventions.
#[test]
fn crate_clippy_configs_keep_every_workspace_rule() {
    let root = repository();
    let paths = |file: &Path| -> BTreeSet<String> {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        text.lines()
            .filter_map(|l| l.split_once("path = \"").and_then(|(_, rest)| rest.split_once('"')).map(|(p, _)| p.into()))
            .collect()
    };
    let workspace = paths(&root.join("clippy.toml"));
    assert!(workspace.contains("std::time::SystemTime::now"), "{workspace:?}");
    let mut checked = 0;
    for folder in crate_folders(&root) {
        let own = root.join("crates").join(&folder).join("clippy.toml");
        if own.exists() {
            checked += 1;
            let theirs = paths(&own);
            let missing: Vec<_> = workspace.difference(&theirs).collect();
            assert!(missing.is_empty(), "{} lacks the workspace's {missing:?}", own.display());
        }
    }
    assert!(checked >= 1, "core's clippy.toml is gone: is Instant::now still disallowed there?");
}

#[test]
fn the_rule_tells_paths_from_other_spans() {
    let folders = vec!["core/".to_owned(), "server/".to_owned(), "web/".to_owned()];
    let exact = |s: &str| Some(Reference::Exact(s.to_owned()));
    let tail = |s: &str| Some(Reference::Tail(s.to_owned()));
    assert_eq!(reference("crates/text/proptest-regressions/", &folders), exact("crates/text/proptest-regressions/"));
    assert_eq!(reference("scripts/test.sh", &folders), exact("scripts/test.sh"));
    assert_eq!(reference(".ci/run", &folders), exact(".ci/run"));
    assert_eq!(reference("server/tests/api", &folders), exact("crates/server/tests/api"));
    assert_eq!(reference("web/src/ui/inbox.rs", &folders), exact("crates/web/src/ui/inbox.rs"));
    assert_eq!(reference("tips/routes.rs", &folders), tail("tips/routes.rs"));
    assert_eq!(reference("load.rs", &folders), tail("load.rs"));
    assert_eq!(reference("app.js", &folders), tail("app.js"));
    for not_a_path in [
        "/api/v1/search",
        "/units/{code}",
        "GET /api/v1/jobs",
        "./data/",
        "<data_dir>/seal-keys.toml",
        "word/document.xml",
        "seal.tag",
        ".ics",
        "binhyen_text::words",
        "tips.reporter:<id>",
        "",
    ] {
        assert_eq!(reference(not_a_path, &folders), None, "{not_a_path:?}");
    }
    assert_eq!(
        spans("a `b/c.rs` and `d\ne`\n```\n`f.rs`\n```\n`g.rs`"),
        [(1, "b/c.rs".to_owned()), (1, "d\ne".to_owned()), (6, "g.rs".to_owned())]
    );
}
