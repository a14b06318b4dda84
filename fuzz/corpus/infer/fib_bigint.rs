//! The n-th Fibonacci number, exactly, with num-bigint.
//! Debian's crate works offline:
//!     apt-get install librust-num-bigint-dev
//!     cthag --registry-dir /usr/share/cargo/registry examples/fib_bigint.rs -- 100
use num_bigint::BigUint;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let (mut a, mut b) = (BigUint::from(0u32), BigUint::from(1u32));
    for _ in 0..n {
        let next = &a + &b;
        a = std::mem::replace(&mut b, next);
    }
    println!("{a}");
}
