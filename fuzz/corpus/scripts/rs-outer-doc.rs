/// ```Cargo
/// [dependencies]
/// a = "1"
/// ```
fn main() {}
