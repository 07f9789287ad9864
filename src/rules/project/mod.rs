//! Cross-file rules (XF): facts from several files of a service, each cited with its own
//! file and line.

pub mod connection_pool_exhaustion;
pub mod invalid_setting_value;
pub mod required_setting_not_provided;
pub(crate) mod settings_env;
pub mod too_many_workers_for_cpu;
pub mod unknown_setting_env;
pub mod worker_memory_exceeds_limit;

/// `n thing` or `n things`.
pub(crate) fn plural(count: i64, thing: &str) -> String {
    if count == 1 {
        format!("{count} {thing}")
    } else {
        format!("{count} {thing}s")
    }
}

const MIB: u64 = 1024 * 1024;

/// A memory size as Kubernetes writes it (`600Mi`, `2Gi`), rounded up to MiB.
pub(crate) fn format_memory(bytes: u64) -> String {
    let gib = 1024 * MIB;
    if bytes >= gib && bytes.is_multiple_of(gib) {
        format!("{}Gi", bytes / gib)
    } else {
        format!("{}Mi", bytes.div_ceil(MIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_written_as_kubernetes_writes_it() {
        assert_eq!(format_memory(150 * MIB), "150Mi");
        assert_eq!(format_memory(2048 * MIB), "2Gi");
        assert_eq!(format_memory(1200 * MIB), "1200Mi");
        assert_eq!(format_memory(MIB + 1), "2Mi");
        assert_eq!(plural(1, "worker"), "1 worker");
        assert_eq!(plural(4, "worker"), "4 workers");
    }
}
