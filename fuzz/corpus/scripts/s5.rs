#![allow(unused)]
use std::collections::HashMap;
#[derive(Debug, Clone)]
struct P { x: i32, y: i32 }
impl P { fn norm(&self) -> i32 { self.x.abs() + self.y.abs() } }
let mut m: HashMap<&str, P> = HashMap::new();
m.insert("a", P { x: 1, y: -2 });
for (k, p) in &m { println!("{k}: {}", p.norm()); }
let label = 'outer: loop { break 'outer "done"; };
match label { "done" => 1, _ => 2 }
