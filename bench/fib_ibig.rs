//! F(n) exactly, by fast doubling, with ibig: the work is in the dependency (make bench's
//! "release" section: cthag against rust-script's release build).
//! ```cargo
//! [dependencies]
//! ibig = "0.3"
//! ```
use ibig::UBig;

fn fib(n: usize) -> (UBig, UBig) {
    if n == 0 {
        return (UBig::from(0u8), UBig::from(1u8));
    }
    let (a, b) = fib(n / 2);
    let c = &a * (&b * 2u8 - &a);
    let d = &a * &a + &b * &b;
    if n % 2 == 0 { (c, d) } else { (d.clone(), c + d) }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let f = fib(n).0.to_string();
    println!("F({n}) has {} digits, ends in {}", f.len(), &f[f.len().saturating_sub(10)..]);
}
