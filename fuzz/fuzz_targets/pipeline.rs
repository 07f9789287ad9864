//! Bytes → every diagnostic: the first byte picks the file kind, the rest is the file.
#![no_main]

use deploylint_fuzz::{FILE_NAMES, check_pipeline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    check_pipeline(FILE_NAMES[first as usize % FILE_NAMES.len()], rest);
});
