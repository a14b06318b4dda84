----
[[bin]]
package.build = "x"
---- 

fn main() {}
