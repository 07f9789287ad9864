//! The `.dockerignore` parser and its matcher.
#![no_main]

use deploylint::parse::dockerignore;
use deploylint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = dockerignore::parse(&text);
    for error in &parsed.errors {
        check_span(&text, error.span, &error.message);
    }
    for path in [".env", "a/b/c.py", "node_modules/x", "ü/.git/config", ""] {
        let _ = parsed.tree.is_excluded(path);
        let _ = parsed.tree.excludes_dir(path);
    }
});
