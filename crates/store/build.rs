// `sqlx::migrate!` embeds the migration files at compile time, but cargo only knows to rebuild when a file it
// was told about changes: without this, a migration file added to a tree is missing from the next build
// (sqlx's documented remedy).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
