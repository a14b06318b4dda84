#!/usr/bin/env cthag
/*[toml]
[dependencies]
rand = "0.8"
serde = { version = "1", features = ["derive"] }
*/
use rand::Rng;
fn main() {
    let n: u32 = rand::thread_rng().gen_range(0..10);
    println!("{n}");
}
