/*!
 * ~~~cargo
 * b = 2 /* nested */
 * ~~~
 */
fn main() {}
