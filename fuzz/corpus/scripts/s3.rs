// cargo-deps: itertools="0.10", regex
use itertools::Itertools;
let v = vec![3, 1, 2];
let s = v.iter().sorted().join(",");
regex::Regex::new(r"^\d+$")?.is_match(&s)
