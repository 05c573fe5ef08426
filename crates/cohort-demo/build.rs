// The built-in problems are embedded in the binary (`include_dir!`), which cannot tell Cargo
// which files it read: rebuild when any of them changes.
fn main() {
    println!("cargo:rerun-if-changed=../../problems");
}
