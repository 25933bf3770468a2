//! Invariant checks shared by bench, reconcile, the tests and the demo.
