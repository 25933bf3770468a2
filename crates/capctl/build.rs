//! The `capctl` executable is linked at a fixed address (not position-independent): a PIE
//! binary of this size makes the dynamic loader apply about 20,000 relocations, and copy every
//! page they touch, at each start. A one-shot command (`session rsvp` run by a script, once per
//! attendee) pays that each time. The trade: the executable's own code and data load at the same
//! address every time (its libraries, heap and stacks are still randomized), as with Go's default
//! builds. Only the executable: the library and the test harnesses link as before.
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
