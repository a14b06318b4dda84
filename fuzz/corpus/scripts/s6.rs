/*!
 * ```cargo
 * [dependencies]
 * num-bigint = "0.4"
 * ```
 */
use num_bigint::BigUint;
macro_rules! big { ($e:expr) => { BigUint::from($e as u32) } }
let s = r#"raw "string" with ::paths()"#;
let c = '\'';
let b = b"bytes";
big!(7) * big!(6)
