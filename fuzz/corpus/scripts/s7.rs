mod util { pub fn f() -> u8 { 1 } }
unsafe fn g() {}
async fn h() {}
pub(crate) const K: u8 = util::f();
static S: &str = "x";
type T = Vec<u8>;
trait Tr { fn m(&self); }
union U { a: u8, b: i8 }
extern "C" { fn abs(x: i32) -> i32; }
unsafe { g() };
if K > 0 { println!("{}", S) } else { }
