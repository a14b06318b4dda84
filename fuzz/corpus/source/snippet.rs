// A snippet: no fn main needed. The last expression's value is printed with {:?}.
let primes: Vec<u32> = (2..50).filter(|n| (2..*n).all(|d| n % d != 0)).collect();
println!("{} primes below 50", primes.len());
primes
