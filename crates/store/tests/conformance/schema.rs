//! Migration parity: the SQLite and PostgreSQL migration trees must build the same schema.
//!
//! Every query is written once and runs on both engines, so a column, index or constraint that exists on one
//! engine only is a bug waiting for the other. These tests migrate a fresh database of each engine (through
//! `Store::migrate`, as the server does), read back what the engine itself reports, and compare:
//! - the tables;
//! - per table, the columns by name and nullability (not their types: the trees differ there on purpose,
//!   `INTEGER`/`REAL` against `BIGINT`/`DOUBLE PRECISION`), the primary key, the foreign keys (columns,
//!   referenced table and columns, ON DELETE / ON UPDATE), the unique constraints (by their columns), how many
//!   CHECK constraints there are, and the events (INSERT, UPDATE, DELETE) its triggers fire on;
//! - the indexes created with CREATE INDEX, by name: their table, key columns, uniqueness and whether partial.
//!
//! What one engine has and the other cannot is listed below, each entry with why; anything else that differs
//! fails the test, naming each difference. An entry that no longer matches anything also fails, so the list
//! never hides more than it says.
//!
//! The comparison needs both engines, so it runs with `--features postgres-tests` (as `scripts/test.sh` and CI
//! do). Without it, the SQLite side still runs: the two trees hold the same files, the SQLite-only entries of
//! the list exist, and the comparison itself notices a column added to one side.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use sqlx::{Connection, SqliteConnection};

use crate::harness::Scratch;

// ---- What may differ, and why ----------------------------------------------------------------------------

/// Compared on neither engine.
const BOOKKEEPING_TABLES: &[(&str, &str)] = &[(
    "_sqlx_migrations",
    "sqlx's record of the migrations applied: created by sqlx itself with each driver's own DDL, not by our \
     migration files",
)];

/// SQLite's own tables: the prefix is reserved to SQLite (sqlite_sequence for AUTOINCREMENT's counters,
/// sqlite_stat1 after ANALYZE), so nothing of ours can hide behind it.
const SQLITE_INTERNAL_PREFIX: &str = "sqlite_";

/// Tables only SQLite has: the full-text index. PostgreSQL keeps the same words in `search_docs.tsv`.
const SQLITE_ONLY_TABLES: &[(&str, &str)] = &[
    ("search_fts", "the FTS5 table of search_docs' words (PostgreSQL: the column search_docs.tsv)"),
    ("search_fts_config", "shadow table FTS5 creates for search_fts (its settings)"),
    ("search_fts_data", "shadow table FTS5 creates for search_fts (the index's b-tree leaves)"),
    ("search_fts_docsize", "shadow table FTS5 creates for search_fts (token counts per row, for bm25)"),
    ("search_fts_idx", "shadow table FTS5 creates for search_fts (the index's segments)"),
    ("search_vocab", "an fts5vocab table over search_fts: how many documents hold a pair (PostgreSQL has no use)"),
];

/// Columns only PostgreSQL has: (table, column, why).
const POSTGRES_ONLY_COLUMNS: &[(&str, &str, &str)] =
    &[("search_docs", "tsv", "the document's words as a tsvector: SQLite keeps them in the FTS5 table search_fts")];

/// Indexes only PostgreSQL has: (index, why).
const POSTGRES_ONLY_INDEXES: &[(&str, &str)] = &[("search_docs_tsv", "the GIN index over search_docs.tsv")];

/// Trigger events only PostgreSQL has: (table, event, why).
const POSTGRES_ONLY_TRIGGER_EVENTS: &[(&str, &str, &str)] = &[(
    "audit_log",
    "TRUNCATE",
    "PostgreSQL refuses TRUNCATE of the audit log too; SQLite has no TRUNCATE statement to refuse",
)];

// ---- The schema as the engines report it -----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        })
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Schema {
    tables: BTreeMap<String, Table>,
    /// Indexes by name (names are unique per database on both engines).
    indexes: BTreeMap<String, Index>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Table {
    /// Column → NOT NULL.
    columns: BTreeMap<String, bool>,
    primary_key: Vec<String>,
    foreign_keys: BTreeSet<ForeignKey>,
    /// The columns of each UNIQUE constraint (a unique index made with CREATE UNIQUE INDEX is an index).
    unique: BTreeSet<Vec<String>>,
    checks: usize,
    trigger_events: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

impl fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}) → {}({}) ON DELETE {} ON UPDATE {}",
            self.columns.join(", "),
            self.table,
            self.references.join(", "),
            self.on_delete,
            self.on_update
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Index {
    table: String,
    /// Key columns in order; an expression is `<expression>`.
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}INDEX ON {}({}){}",
            if self.unique { "UNIQUE " } else { "" },
            self.table,
            self.columns.join(", "),
            if self.partial { " WHERE …" } else { "" }
        )
    }
}

const EXPRESSION: &str = "<expression>";

/// `pragma foreign_key_list`: id, seq, referenced table, column, referenced column (None: the key), on delete,
/// on update.
type SqliteForeignKeyRow = (i64, i64, String, String, Option<String>, String, String);

/// pg_constraint: table, kind, columns, referenced table, referenced columns, on delete, on update.
#[cfg(feature = "postgres-tests")]
type PostgresConstraintRow = (String, String, Vec<String>, Option<String>, Vec<String>, String, String);

/// Reads the schema of the SQLite database at `url`.
pub async fn read_sqlite(url: &str) -> Schema {
    let mut conn = SqliteConnection::connect(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    let objects: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let mut schema = Schema::default();
    let mut implicit_references = Vec::new();
    for (_, name, _, sql) in objects.iter().filter(|o| o.0 == "table") {
        let mut table = Table::default();
        let columns: Vec<(String, i64, i64)> =
            sqlx::query_as(r#"SELECT name, "notnull", pk FROM pragma_table_info(?1)"#)
                .bind(name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        for (column, not_null, pk) in columns {
            // Only what the column declares: SQLite lets a primary key column other than the rowid hold NULL
            // unless it says NOT NULL (PostgreSQL never does), so being in the key does not count here.
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            table.columns.insert(column, not_null != 0);
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, c)| c).collect();
        if let [only] = table.primary_key.as_slice() {
            // An INTEGER PRIMARY KEY is the rowid, which is never NULL (a NULL inserted takes the next id, as
            // an identity column does on PostgreSQL), though `pragma table_info` calls it nullable.
            if rowid_alias(sql.as_deref().unwrap_or(""), only) {
                table.columns.insert(only.clone(), true);
            }
        }

        let keys: Vec<SqliteForeignKeyRow> = sqlx::query_as(
            r#"SELECT id, seq, "table", "from", "to", on_delete, on_update FROM pragma_foreign_key_list(?1)
               ORDER BY id, seq"#,
        )
        .bind(name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, (ForeignKey, bool)> = BTreeMap::new();
        for (id, _, target, from, to, on_delete, on_update) in keys {
            let (fk, implicit) = by_id.entry(id).or_insert_with(|| {
                (ForeignKey { columns: vec![], table: target, references: vec![], on_delete, on_update }, false)
            });
            fk.columns.push(from);
            match to {
                Some(to) => fk.references.push(to),
                // `REFERENCES t` without columns: the referenced table's primary key, known once all are read.
                None => *implicit = true,
            }
        }
        for (fk, implicit) in by_id.into_values() {
            if implicit {
                implicit_references.push((name.clone(), fk));
            } else {
                table.foreign_keys.insert(fk);
            }
        }

        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as(r#"SELECT name, "unique", origin, partial FROM pragma_index_list(?1)"#)
                .bind(name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for (index, unique, origin, partial) in indexes {
            let columns: Vec<(Option<String>,)> =
                sqlx::query_as("SELECT name FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            let columns: Vec<String> =
                columns.into_iter().map(|(c,)| c.unwrap_or_else(|| EXPRESSION.to_owned())).collect();
            match origin.as_str() {
                // CREATE [UNIQUE] INDEX.
                "c" => {
                    let index_entry =
                        Index { table: name.clone(), columns, unique: unique != 0, partial: partial != 0 };
                    schema.indexes.insert(index, index_entry);
                }
                // A UNIQUE constraint's automatic index.
                "u" => {
                    table.unique.insert(columns);
                }
                // The primary key's automatic index: the key is compared as such.
                _ => {}
            }
        }

        table.checks = count_checks(sql.as_deref().unwrap_or(""));
        schema.tables.insert(name.clone(), table);
    }
    for (table, mut fk) in implicit_references {
        fk.references = schema.tables.get(&fk.table).map(|t| t.primary_key.clone()).unwrap_or_default();
        schema.tables.get_mut(&table).expect("read above").foreign_keys.insert(fk);
    }
    for (_, _, table, sql) in objects.iter().filter(|o| o.0 == "trigger") {
        let events = sqlite_trigger_events(sql.as_deref().unwrap_or(""));
        if let Some(t) = schema.tables.get_mut(table) {
            t.trigger_events.extend(events);
        }
    }
    conn.close().await.unwrap();
    schema
}

/// Whether `column`, the table's only key column, is declared `<column> INTEGER PRIMARY KEY`: only that exact
/// type name makes it the rowid.
fn rowid_alias(create_table: &str, column: &str) -> bool {
    let words = words_upper(create_table);
    let column = column.to_ascii_uppercase();
    words.windows(4).any(|w| w[0] == column && w[1] == "INTEGER" && w[2] == "PRIMARY" && w[3] == "KEY")
}

/// The SQL with its comments and string literals blanked out, so words in them are not read as syntax.
fn strip_comments_and_strings(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                out.push('\n');
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            '\'' => {
                // '' inside a literal is a quote; the literal ends at a lone quote.
                while let Some(c) = chars.next() {
                    if c == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                out.push_str("''");
            }
            c => out.push(c),
        }
    }
    out
}

fn words_upper(sql: &str) -> Vec<String> {
    strip_comments_and_strings(sql)
        .to_ascii_uppercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// SQLite keeps CHECK constraints only in the table's SQL: count the keyword there.
fn count_checks(create_table: &str) -> usize {
    words_upper(create_table).iter().filter(|w| *w == "CHECK").count()
}

/// The event of `CREATE TRIGGER name {BEFORE|AFTER|INSTEAD OF} {INSERT|UPDATE [OF …]|DELETE} ON table …`.
fn sqlite_trigger_events(create_trigger: &str) -> Vec<String> {
    let words = words_upper(create_trigger);
    let head = words.iter().take_while(|w| *w != "ON");
    head.filter(|w| matches!(w.as_str(), "INSERT" | "UPDATE" | "DELETE")).cloned().collect()
}

/// Reads the schema of the current schema (`public`) of the PostgreSQL database at `url`.
#[cfg(feature = "postgres-tests")]
pub async fn read_postgres(url: &str) -> Schema {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    let mut schema = Schema::default();

    let columns: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, a.attnotnull \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, column, not_null) in columns {
        schema.tables.entry(table).or_default().columns.insert(column, not_null);
    }

    let constraints: Vec<PostgresConstraintRow> = sqlx::query_as(
        "SELECT t.relname::text, c.contype::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
                       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord), \
                 f.relname::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord) \
                       JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord), \
                 c.confdeltype::text, c.confupdtype::text \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_class f ON f.oid = c.confrelid \
             WHERE n.nspname = current_schema()",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, kind, columns, target, references, on_delete, on_update) in constraints {
        let t = schema.tables.entry(table).or_default();
        match kind.as_str() {
            "p" => t.primary_key = columns,
            "u" => {
                t.unique.insert(columns);
            }
            "c" => t.checks += 1,
            "f" => {
                t.foreign_keys.insert(ForeignKey {
                    columns,
                    table: target.unwrap_or_default(),
                    references,
                    on_delete: postgres_action(&on_delete),
                    on_update: postgres_action(&on_update),
                });
            }
            // NOT NULL (PostgreSQL 18 lists it here too) is compared as the column's nullability.
            _ => {}
        }
    }

    // Indexes that do not back a constraint: those the migrations created with CREATE INDEX.
    let indexes: Vec<(String, String, bool, bool, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indpred IS NOT NULL, \
             ARRAY(SELECT COALESCE(a.attname::text, $1) \
                   FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                   LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum \
                   WHERE k.ord <= ix.indnkeyatts ORDER BY k.ord) \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
             WHERE c.conrelid = ix.indrelid AND c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))",
    )
    .bind(EXPRESSION)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, index, unique, partial, columns) in indexes {
        schema.indexes.insert(index, Index { table, columns, unique, partial });
    }

    let triggers: Vec<(String, i32)> = sqlx::query_as(
        "SELECT c.relname::text, t.tgtype::int4 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND NOT t.tgisinternal",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, kind) in triggers {
        // pg_trigger.tgtype's bits (src/include/catalog/pg_trigger.h).
        let events = [(4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE")];
        let t = schema.tables.entry(table).or_default();
        t.trigger_events.extend(events.iter().filter(|(bit, _)| kind & bit != 0).map(|(_, e)| (*e).to_owned()));
    }
    conn.close().await.unwrap();
    schema
}

/// pg_constraint's one-letter referential actions, spelled as SQLite's `pragma foreign_key_list` spells them.
#[cfg(feature = "postgres-tests")]
fn postgres_action(code: &str) -> String {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        other => panic!("unknown referential action {other:?}"),
    }
    .to_owned()
}

// ---- Comparing --------------------------------------------------------------------------------------------

/// `schema` without what the allow-list says `engine` alone has; also the entries that matched nothing.
pub fn comparable(mut schema: Schema, engine: Engine) -> (Schema, Vec<String>) {
    let mut stale = Vec::new();
    for (table, _) in BOOKKEEPING_TABLES {
        if schema.tables.remove(*table).is_none() {
            stale.push(format!("{engine}: bookkeeping table {table} not found"));
        }
    }
    match engine {
        Engine::Sqlite => {
            schema.tables.retain(|name, _| !name.starts_with(SQLITE_INTERNAL_PREFIX));
            for (table, _) in SQLITE_ONLY_TABLES {
                if schema.tables.remove(*table).is_none() {
                    stale.push(format!("SQLite-only table {table} not found"));
                }
            }
        }
        Engine::Postgres => {
            for (table, column, _) in POSTGRES_ONLY_COLUMNS {
                let removed = schema.tables.get_mut(*table).and_then(|t| t.columns.remove(*column));
                if removed.is_none() {
                    stale.push(format!("PostgreSQL-only column {table}.{column} not found"));
                }
            }
            for (index, _) in POSTGRES_ONLY_INDEXES {
                if schema.indexes.remove(*index).is_none() {
                    stale.push(format!("PostgreSQL-only index {index} not found"));
                }
            }
            for (table, event, _) in POSTGRES_ONLY_TRIGGER_EVENTS {
                let removed = schema.tables.get_mut(*table).is_some_and(|t| t.trigger_events.remove(*event));
                if !removed {
                    stale.push(format!("PostgreSQL-only trigger event {event} on {table} not found"));
                }
            }
        }
    }
    (schema, stale)
}

/// Every way `b` differs from `a`, one line each, naming the engine that has what the other lacks.
pub fn differences(a: (Engine, &Schema), b: (Engine, &Schema)) -> Vec<String> {
    let ((ea, sa), (eb, sb)) = (a, b);
    let mut out = Vec::new();
    for name in keys(&sa.tables, &sb.tables) {
        let (ta, tb) = match (sa.tables.get(name), sb.tables.get(name)) {
            (Some(ta), Some(tb)) => (ta, tb),
            (Some(_), None) => {
                out.push(format!("table {name}: only on {ea}"));
                continue;
            }
            _ => {
                out.push(format!("table {name}: only on {eb}"));
                continue;
            }
        };
        for column in keys(&ta.columns, &tb.columns) {
            match (ta.columns.get(column), tb.columns.get(column)) {
                (Some(na), Some(nb)) if na != nb => out.push(format!(
                    "column {name}.{column}: {} on {ea}, {} on {eb}",
                    nullability(*na),
                    nullability(*nb)
                )),
                (Some(_), None) => out.push(format!("column {name}.{column}: only on {ea}")),
                (None, Some(_)) => out.push(format!("column {name}.{column}: only on {eb}")),
                _ => {}
            }
        }
        if ta.primary_key != tb.primary_key {
            out.push(format!(
                "table {name}: primary key ({}) on {ea}, ({}) on {eb}",
                ta.primary_key.join(", "),
                tb.primary_key.join(", ")
            ));
        }
        for fk in ta.foreign_keys.symmetric_difference(&tb.foreign_keys) {
            let on = if ta.foreign_keys.contains(fk) { ea } else { eb };
            out.push(format!("table {name}: foreign key {fk} only on {on}"));
        }
        for unique in ta.unique.symmetric_difference(&tb.unique) {
            let on = if ta.unique.contains(unique) { ea } else { eb };
            out.push(format!("table {name}: UNIQUE ({}) only on {on}", unique.join(", ")));
        }
        if ta.checks != tb.checks {
            out.push(format!("table {name}: {} CHECK constraints on {ea}, {} on {eb}", ta.checks, tb.checks));
        }
        for event in ta.trigger_events.symmetric_difference(&tb.trigger_events) {
            let on = if ta.trigger_events.contains(event) { ea } else { eb };
            out.push(format!("table {name}: a trigger on {event} only on {on}"));
        }
    }
    for name in keys(&sa.indexes, &sb.indexes) {
        match (sa.indexes.get(name), sb.indexes.get(name)) {
            (Some(ia), Some(ib)) if ia != ib => out.push(format!("index {name}: {ia} on {ea}, {ib} on {eb}")),
            (Some(ia), None) => out.push(format!("index {name} ({ia}): only on {ea}")),
            (None, Some(ib)) => out.push(format!("index {name} ({ib}): only on {eb}")),
            _ => {}
        }
    }
    out
}

fn keys<'a, V>(a: &'a BTreeMap<String, V>, b: &'a BTreeMap<String, V>) -> BTreeSet<&'a String> {
    a.keys().chain(b.keys()).collect()
}

fn nullability(not_null: bool) -> &'static str {
    if not_null {
        "NOT NULL"
    } else {
        "nullable"
    }
}

// ---- The tests --------------------------------------------------------------------------------------------

/// Both trees hold the same migrations, version for version and name for name: sqlx applies each tree's
/// files in order, and a file missing on one side is a change one engine never gets.
#[test]
fn both_trees_hold_the_same_migration_files() {
    let names = |engine: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (sqlite, postgres) = (names("sqlite"), names("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same files");
}

/// The SQLite side of the allow-list names only what exists, and nothing else of SQLite's is left out.
#[tokio::test]
async fn sqlite_allow_list_names_what_exists() {
    Scratch::sqlite()
        .await
        .run_with_url(|url| async move {
            let schema = read_sqlite(&url).await;
            let (compared, stale) = comparable(schema, Engine::Sqlite);
            assert!(stale.is_empty(), "allow-list entries that match nothing: {stale:#?}");
            assert!(compared.tables.contains_key("search_docs") && compared.tables.contains_key("group_reports"));
            // The reader sees what the comparison relies on (a reader that saw nothing would compare nothing).
            let reports = &compared.tables["group_reports"];
            assert_eq!(reports.primary_key, ["id"]);
            assert_eq!(reports.columns.get("id"), Some(&true), "an INTEGER PRIMARY KEY is never NULL");
            assert!(reports.unique.contains(&vec!["message_id".to_owned(), "reporter_id".to_owned()]));
            assert_eq!(reports.foreign_keys.len(), 2);
            assert_eq!(compared.tables["sector_groups"].checks, 1);
            assert_eq!(compared.tables["group_members"].checks, 2);
            assert!(compared.tables["posts"].trigger_events.contains("UPDATE"));
            let one_per_day = &compared.indexes["appointments_one_per_day"];
            assert!(one_per_day.unique && one_per_day.partial);
            assert_eq!(one_per_day.columns, ["service_id", "day", "holder_key"]);
        })
        .await;
}

/// The comparison notices a column, an index, a constraint and a nullability that one side lacks: two SQLite
/// databases migrated alike, one of them then changed as a migration in one tree only would change it.
#[tokio::test]
async fn comparison_names_what_one_side_lacks() {
    Scratch::sqlite()
        .await
        .run_with_url(|plain| async move {
            Scratch::sqlite()
                .await
                .run_with_url(move |changed| async move {
                    let before = comparable(read_sqlite(&changed).await, Engine::Sqlite).0;
                    let same = comparable(read_sqlite(&plain).await, Engine::Sqlite).0;
                    assert_eq!(differences((Engine::Sqlite, &same), (Engine::Postgres, &before)), Vec::<String>::new());

                    let mut conn = SqliteConnection::connect(&changed).await.unwrap();
                    for statement in [
                        "ALTER TABLE group_reports ADD COLUMN note TEXT",
                        "CREATE INDEX group_reports_at ON group_reports(at)",
                        "CREATE TABLE extra (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (name <> ''))",
                    ] {
                        sqlx::query(statement).execute(&mut conn).await.unwrap();
                    }
                    conn.close().await.unwrap();
                    let after = comparable(read_sqlite(&changed).await, Engine::Sqlite).0;
                    // "PostgreSQL" stands for the changed database: the labels are only words in the report.
                    assert_eq!(
                        differences((Engine::Sqlite, &same), (Engine::Postgres, &after)),
                        [
                            "table extra: only on PostgreSQL",
                            "column group_reports.note: only on PostgreSQL",
                            "index group_reports_at (INDEX ON group_reports(at)): only on PostgreSQL",
                        ]
                    );
                    let mut nullable = same.clone();
                    nullable.tables.get_mut("group_reports").unwrap().columns.insert("reason".into(), false);
                    nullable.tables.get_mut("group_reports").unwrap().checks = 1;
                    nullable.tables.get_mut("group_reports").unwrap().unique.clear();
                    assert_eq!(
                        differences((Engine::Sqlite, &same), (Engine::Postgres, &nullable)),
                        [
                            "column group_reports.reason: NOT NULL on SQLite, nullable on PostgreSQL",
                            "table group_reports: UNIQUE (message_id, reporter_id) only on SQLite",
                            "table group_reports: 0 CHECK constraints on SQLite, 1 on PostgreSQL",
                        ]
                    );
                })
                .await;
        })
        .await;
}

/// The two trees build the same schema, but for the allow-list above.
#[cfg(feature = "postgres-tests")]
#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    Scratch::sqlite()
        .await
        .run_with_url(|sqlite_url| async move {
            Scratch::postgres()
                .await
                .run_with_url(move |postgres_url| async move {
                    let (sqlite, mut stale) = comparable(read_sqlite(&sqlite_url).await, Engine::Sqlite);
                    let (postgres, stale_pg) = comparable(read_postgres(&postgres_url).await, Engine::Postgres);
                    stale.extend(stale_pg);
                    assert!(stale.is_empty(), "allow-list entries that match nothing: {stale:#?}");
                    assert!(postgres.tables.len() > 40, "read {} tables from PostgreSQL", postgres.tables.len());
                    let drift = differences((Engine::Sqlite, &sqlite), (Engine::Postgres, &postgres));
                    assert!(
                        drift.is_empty(),
                        "the migration trees build different schemas; add a migration to the tree that is wrong \
                         (never edit one already landed):\n  {}",
                        drift.join("\n  ")
                    );
                })
                .await;
        })
        .await;
}

/// Migration 0017 rebuilds three SQLite tables to make their keys NOT NULL: a database that already holds
/// sessions, settings and sign-in failures keeps them all, and a NULL key is refused from then on.
#[tokio::test]
async fn sqlite_text_keys_rebuild_keeps_rows() {
    use binhyen_store::throttle::Failures;
    use binhyen_store::Store;

    let dir = tempfile::TempDir::new().unwrap();
    let url = format!("sqlite:{}", dir.path().join("old.sqlite").display());
    let mut conn = SqliteConnection::connect(&format!("{url}?mode=rwc")).await.unwrap();
    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut conn).await.unwrap();
    // The tree as it stood before 0017, from the same files (so the checksums match what `migrate` expects).
    let mut before =
        sqlx::migrate::Migrator::new(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")))
            .await
            .unwrap();
    before.migrations = before.migrations.iter().filter(|m| m.version < 17).cloned().collect::<Vec<_>>().into();
    before.run(&mut conn).await.unwrap();
    for statement in [
        "INSERT INTO accounts (id, kind, phone, display_name, password_hash, created_at) \
         VALUES (7, 'citizen', '+84905000007', 'Y Bhim', 'hash', 1)",
        "INSERT INTO sessions VALUES ('token-hash', 7, 'web', 'full', 1, 2)",
        "INSERT INTO settings VALUES ('seal.current', 'k1')",
        "INSERT INTO sign_in_failures VALUES ('phone-hash', 3, 10, 20)",
        // What 0017 closes: SQLite took a NULL text key. Such a row no query can reach is not carried over.
        "INSERT INTO settings VALUES (NULL, 'unreachable')",
    ] {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.session("token-hash").await.unwrap().account_id, 7);
    assert_eq!(store.setting("seal.current").await.unwrap().as_deref(), Some("k1"));
    assert_eq!(
        store.sign_in_failures("phone-hash").await.unwrap(),
        Some(Failures { count: 3, first_at_ms: 10, locked_until_ms: 20 })
    );
    store.close().await;
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let settings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings").fetch_one(&mut conn).await.unwrap();
    assert_eq!(settings, 1);
    for table in ["sessions (token_hash, account_id, kind, stage, created_at, expires_at)", "settings (key, value)"] {
        let values = if table.starts_with("sessions") { "(NULL, 7, 'web', 'full', 1, 2)" } else { "(NULL, 'v')" };
        let refused = sqlx::query(&format!("INSERT INTO {table} VALUES {values}")).execute(&mut conn).await;
        assert!(refused.is_err(), "{table} took a NULL key");
    }
    let indexes: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_index_list('sessions') WHERE origin = 'c'")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(indexes, ["sessions_account"]);
    conn.close().await.unwrap();
}

/// Migration 0018 makes one table of `post_images` and `article_images`: posts' photos keep their ids (posts'
/// texts link to them) and articles' photos come along with new ones after them.
#[tokio::test]
async fn sqlite_page_images_merge_keeps_photos() {
    use binhyen_store::Store;

    let dir = tempfile::TempDir::new().unwrap();
    let url = format!("sqlite:{}", dir.path().join("old.sqlite").display());
    let mut conn = SqliteConnection::connect(&format!("{url}?mode=rwc")).await.unwrap();
    let mut before =
        sqlx::migrate::Migrator::new(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")))
            .await
            .unwrap();
    before.migrations = before.migrations.iter().filter(|m| m.version < 18).cloned().collect::<Vec<_>>().into();
    before.run(&mut conn).await.unwrap();
    for statement in [
        "INSERT INTO units (id, code, kind, name, name_folded, created_at) \
         VALUES (1, 'ca-xa', 'commune_police', 'Công an xã', 'cong an xa', 1)",
        "INSERT INTO accounts (id, kind, phone, display_name, password_hash, created_at) \
         VALUES (7, 'citizen', '+84905000007', 'Y Bhim', 'hash', 1)",
        "INSERT INTO posts VALUES (4, 1, 'news', 'Tin', 'Chữ', '<p>Chữ</p>', 'published', 0, 1, 7, 1, 1)",
        "INSERT INTO articles (id, unit_id, author_account_id, title, body, credit, state, created_at, updated_at) \
         VALUES (9, 1, 7, 'Bài', 'Chữ', 1, 'submitted', 1, 1)",
        "INSERT INTO post_images VALUES (40, 4, 'ab/post-photo', 'jpg', 100, 640, 480, 1)",
        "INSERT INTO post_images VALUES (41, 4, 'ab/post-photo-2', 'png', 200, NULL, NULL, 2)",
        "INSERT INTO article_images VALUES (3, 9, 'cd/article-photo', 'webp', 300, 800, 600, 3)",
    ] {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let kept = store.post_image(4, 40).await.unwrap();
    assert_eq!((kept.object_key.as_str(), kept.width, kept.height), ("ab/post-photo", Some(640), Some(480)));
    assert_eq!(store.post_image(4, 41).await.unwrap().kind, "png");
    let sent = store.article_images(9).await.unwrap();
    assert_eq!(sent.iter().map(|i| i.object_key.as_str()).collect::<Vec<_>>(), ["cd/article-photo"]);
    assert!(sent[0].id > 41, "articles' photos take ids after the posts' ones");
    store.close().await;
}
