//! K8S011: see rules/kubernetes/K8S011-reload-in-container.md

use std::path::Path;

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::kubernetes::Manifests;
use crate::project::is_dev_name;

use super::helpers::{describe, invocation, workloads};

/// How many directories above a manifest may say it is for development.
const DEV_DIRECTORY_DEPTH: usize = 2;

/// A container starts its server with auto-reload.
struct ReloadInContainer {
    container: String,
    server: Server,
}

impl Violation for ReloadInContainer {
    const CODE: RuleCode = RuleCode::K8S011;

    fn message(&self) -> String {
        if self.server == Server::FastApiDev {
            format!(
                "{} runs `fastapi dev`, the development mode with auto-reload",
                self.container
            )
        } else {
            format!(
                "{} starts {} with `--reload`: the development file watcher restarts the \
                 server in production",
                self.container,
                self.server.name()
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(if self.server == Server::FastApiDev {
            "use `fastapi run` (production mode) and set the host, port and workers \
             explicitly"
                .to_string()
        } else {
            "remove `--reload`; roll out a new image to change the code".to_string()
        })
    }
}

/// Whether the manifest's file name or one of its nearest directories says it is for
/// development (`overlays/dev/deploy.yaml`, `deployment.local.yaml`). Only the nearest
/// directories count, so a checkout under `~/dev/` does not silence every manifest.
fn is_dev_manifest(path: &Path) -> bool {
    let mut names = path
        .iter()
        .rev()
        .filter_map(|part| part.to_str())
        .filter(|part| !matches!(*part, "." | ".."));
    names
        .by_ref()
        .take(DEV_DIRECTORY_DEPTH + 1)
        .any(is_dev_name)
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    if cx.file().is_some_and(|file| is_dev_manifest(file.path())) {
        return;
    }
    for workload in workloads(&manifests.objects) {
        for container in workload.pod.all_containers() {
            let Some(invocation) = invocation(container) else {
                continue;
            };
            let Some(span) = invocation.reload else {
                continue;
            };
            let violation = ReloadInContainer {
                container: describe(&workload, container),
                server: invocation.server.value,
            };
            cx.report(violation, span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_manifests_by_name_or_near_directory() {
        for path in [
            "k8s/overlays/dev/deployment.yaml",
            "deploy/deployment.dev.yaml",
            "k8s/local/api/deployment.yaml",
            "deployment-development.yml",
        ] {
            assert!(is_dev_manifest(Path::new(path)), "{path}");
        }
        for path in [
            "k8s/overlays/prod/deployment.yaml",
            "/home/dev/src/shop/k8s/base/deployment.yaml",
            "devices/deployment.yaml",
        ] {
            assert!(!is_dev_manifest(Path::new(path)), "{path}");
        }
    }
}
