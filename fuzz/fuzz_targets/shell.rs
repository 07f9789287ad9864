//! The shell parser and the server-command model read from it.
#![no_main]

use deploylint::parse::{command, shell};
use deploylint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let script = shell::parse_str(&text, 0);
    for error in &script.errors {
        check_span(&text, error.span, &error.message);
    }
    for simple in &script.commands {
        check_span(&text, simple.span, "command");
        for word in simple.assignments.iter().chain(&simple.words) {
            check_span(&text, word.span, "word");
        }
        let _ = command::parse_command(simple);
        if let Some(inner) = simple.inner_script() {
            for error in &inner.errors {
                check_span(&text, error.span, &error.message);
            }
        }
    }
    let _ = command::find_server(&script);
});
