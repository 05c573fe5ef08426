// `sqlx::migrate!` embeds the migration files when this crate compiles, but Cargo does not know
// about files added to those folders later; without this, a new migration can be missing from an
// incremental build (it happened: a server built that way refused a database migrated by a newer
// one with "migration 9 was previously applied but is missing").
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
