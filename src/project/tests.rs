//! Tests of the cross-file model: service linking, runtimes, environments, facts.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::*;
use crate::config::{Facts, Service as ServiceEntry};

/// A project from `(path, text)` pairs, kinds detected from the names.
fn project(files: &[(&str, &str)]) -> Project {
    project_with(files, Facts::default())
}

fn project_with(files: &[(&str, &str)], facts: Facts) -> Project {
    // Files of no known kind (requirements.txt) are only seen, as in a walk.
    let parsed = files
        .iter()
        .filter_map(|(path, text)| {
            let kind = FileKind::detect(std::path::Path::new(path))?;
            Some(ParsedFile::parse(SourceFile::new(*path, kind, *text)))
        })
        .collect();
    let inventory: BTreeSet<PathBuf> = files.iter().map(|(p, _)| PathBuf::from(p)).collect();
    Project::new(parsed, inventory).with_facts(facts)
}

fn path_of(project: &Project, file: usize) -> String {
    project
        .source(file)
        .map(|s| s.path().display().to_string())
        .unwrap_or_default()
}

/// The text an origin points at.
fn text_at(project: &Project, origin: &Origin) -> String {
    let (file, span) = origin.location().expect("a file origin");
    let source = project.source(file).expect("file");
    source.text()[span.start as usize..span.end as usize].to_string()
}

const DOCKERFILE: &str = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nENV APP_MODE=prod\nCMD [\"gunicorn\", \"-c\", \"gunicorn.conf.py\", \"app.main:app\"]\n";
const GUNICORN: &str = "import os\nworkers = int(os.getenv(\"WEB_CONCURRENCY\", 2))\nworker_class = \"uvicorn.workers.UvicornWorker\"\n";
const MAIN: &str = "from fastapi import FastAPI\napp = FastAPI()\n";
const SETTINGS: &str = "from pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"ORDERS_\")\n    database_url: str\n";
const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/orders:1.4\n          env:\n            - name: WEB_CONCURRENCY\n              value: \"4\"\n          envFrom:\n            - configMapRef:\n                name: orders-config\n        - name: db\n          image: postgres:16\n";
const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders-config\ndata:\n  ORDERS_DATABASE_URL: postgresql://db/orders\n";

fn orders_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("orders/Dockerfile", DOCKERFILE),
        ("orders/requirements.txt", "fastapi\n"),
        ("orders/gunicorn.conf.py", GUNICORN),
        ("orders/app/main.py", MAIN),
        ("orders/app/settings.py", SETTINGS),
        ("orders/k8s/deployment.yaml", DEPLOYMENT),
        ("orders/k8s/configmap.yaml", CONFIG_MAP),
    ]
}

#[test]
fn a_single_service_links_its_files_without_configuration() {
    let project = project(&orders_files());
    let services = project.services();
    assert_eq!(services.len(), 1);
    let service = &services[0];
    assert_eq!(service.name, "orders");
    assert!(!service.declared);
    assert_eq!(
        service.root.as_deref(),
        Some(std::path::Path::new("orders"))
    );
    assert_eq!(
        path_of(&project, service.dockerfile.expect("dockerfile")),
        "orders/Dockerfile"
    );
    let app = service.app.as_ref().expect("app");
    assert_eq!(path_of(&project, app.file), "orders/app/main.py");
    assert_eq!(app.attribute, "app");
    // The app target of the CMD named it.
    assert_eq!(text_at(&project, &app.origin), "\"app.main:app\"");
    assert_eq!(service.settings_classes.len(), 1);
    // The postgres container is not the service; the api container is, and the image's
    // own start command is not a runtime of its own then.
    assert_eq!(service.runtimes.len(), 1);
    let runtime = &service.runtimes[0];
    assert!(matches!(
        runtime.platform,
        Platform::Kubernetes { container: 0, .. }
    ));
    assert!(!runtime.development);
    assert_eq!(
        path_of(&project, runtime.gunicorn_file.expect("config")),
        "orders/gunicorn.conf.py"
    );
}

#[test]
fn environment_overrides_gunicorn_defaults_and_says_so() {
    let project = project(&orders_files());
    let runtime = &project.services()[0].runtimes[0];
    let workers = runtime.workers().expect("workers known");
    assert_eq!(workers.value, 4);
    assert_eq!(text_at(&project, &workers.origin), "\"4\"");
    let setting = runtime.gunicorn_setting("workers").expect("gunicorn runs");
    assert_eq!(setting.from_env.as_deref(), Some("WEB_CONCURRENCY"));
    let class = runtime.worker_class().expect("class");
    assert_eq!(class.value, "uvicorn.workers.UvicornWorker");
    assert_eq!(
        text_at(&project, &class.origin),
        "worker_class = \"uvicorn.workers.UvicornWorker\""
    );
}

#[test]
fn environment_gathers_image_env_container_env_and_config_map_keys() {
    let project = project(&orders_files());
    let env = &project.services()[0].runtimes[0].env;
    assert!(env.is_complete());
    let mode = env.get("APP_MODE").expect("from ENV");
    assert_eq!(mode.source, EnvSource::Dockerfile);
    let url = env.get("ORDERS_DATABASE_URL").expect("from envFrom");
    assert_eq!(url.source, EnvSource::KubernetesEnvFrom);
    assert_eq!(url.value.literal(), Some("postgresql://db/orders"));
    assert_eq!(
        text_at(&project, url.value_origin.as_ref().expect("value")),
        "postgresql://db/orders"
    );
    assert!(env.get_ignore_case("orders_database_url").is_some());
}

#[test]
fn an_env_from_of_an_object_not_scanned_leaves_the_environment_open() {
    let files: Vec<_> = orders_files()
        .into_iter()
        .filter(|(path, _)| !path.ends_with("configmap.yaml"))
        .collect();
    let project = project(&files);
    let env = &project.services()[0].runtimes[0].env;
    assert!(!env.is_complete());
    assert_eq!(
        env.open_sources()[0].description,
        "ConfigMap orders-config (not in the scanned files)"
    );
}

#[test]
fn without_an_orchestrator_the_image_runs_as_built() {
    let files: Vec<_> = orders_files()
        .into_iter()
        .filter(|(path, _)| !path.contains("k8s/"))
        .collect();
    let project = project(&files);
    let runtime = &project.services()[0].runtimes[0];
    assert_eq!(runtime.platform, Platform::Image);
    let workers = runtime.workers().expect("workers");
    // The config file's default, as no variable overrides it.
    assert_eq!(workers.value, 2);
    assert_eq!(
        text_at(&project, &workers.origin),
        "workers = int(os.getenv(\"WEB_CONCURRENCY\", 2))"
    );
}

#[test]
fn images_link_each_container_to_its_service_in_a_monorepo() {
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: main\n          image: registry.example.com/shop/{name}:2\n"
        )
    };
    let api = deployment("api");
    let worker = deployment("worker");
    let files = [
        (
            "services/api/Dockerfile",
            "FROM python:3.12\nCMD [\"uvicorn\", \"main:app\", \"--workers\", \"3\"]\n",
        ),
        ("services/api/requirements.txt", ""),
        (
            "services/worker/Dockerfile",
            "FROM python:3.12\nCMD [\"uvicorn\", \"main:app\"]\n",
        ),
        ("services/worker/requirements.txt", ""),
        ("deploy/api.yaml", api.as_str()),
        ("deploy/worker.yaml", worker.as_str()),
    ];
    let project = project(&files);
    let services = project.services();
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api", "worker"]);
    for service in services {
        assert_eq!(service.runtimes.len(), 1, "{}", service.name);
        let Platform::Kubernetes { file, .. } = service.runtimes[0].platform else {
            panic!("a pod runs {}", service.name);
        };
        assert_eq!(
            path_of(&project, file),
            format!("deploy/{}.yaml", service.name)
        );
    }
    assert_eq!(services[0].runtimes[0].workers().map(|w| w.value), Some(3));
    let default = services[1].runtimes[0].workers().expect("default");
    assert_eq!(default.value, 1);
    assert_eq!(
        default.origin,
        Origin::default_of("uvicorn default workers = 1")
    );
}

#[test]
fn compose_links_by_build_context_and_flags_development_files() {
    let compose = "services:\n  web:\n    build: ./api\n    command: uvicorn main:app --workers 2\n    environment:\n      LOG_LEVEL: info\n    env_file: .env\n";
    let dev = "services:\n  web:\n    build: ./api\n    command: uvicorn main:app --reload\n";
    let files = [
        (
            "api/Dockerfile",
            "FROM python:3.12\nCMD [\"uvicorn\", \"main:app\"]\n",
        ),
        ("api/requirements.txt", ""),
        ("compose.yaml", compose),
        ("compose.override.yaml", dev),
    ];
    let project = project(&files);
    let service = &project.services()[0];
    assert_eq!(service.runtimes.len(), 2);
    let production = service
        .runtimes
        .iter()
        .find(|r| !r.development)
        .expect("production runtime");
    assert_eq!(production.workers().map(|w| w.value), Some(2));
    assert_eq!(
        production
            .env
            .get("LOG_LEVEL")
            .and_then(|v| v.value.literal()),
        Some("info")
    );
    assert!(!production.env.is_complete(), "env_file is not read");
    assert!(service.runtimes.iter().any(|r| r.development));
}

#[test]
fn declared_services_take_precedence_over_inference() {
    let facts = Facts {
        services: vec![ServiceEntry {
            name: "payments".to_string(),
            dockerfile: Some(PathBuf::from("orders/Dockerfile")),
            kubernetes: vec!["Deployment/orders".to_string()],
            ..ServiceEntry::default()
        }],
        ..Facts::default()
    };
    let project = project_with(&orders_files(), facts);
    let services = project.services();
    assert_eq!(services.len(), 1);
    assert_eq!(services[0].name, "payments");
    assert!(services[0].declared);
    assert_eq!(services[0].runtimes.len(), 1);
}

#[test]
fn a_systemd_unit_starting_a_server_is_a_service_that_is_not_containerised() {
    let unit = "[Service]\nExecStart=/srv/venv/bin/gunicorn -w 3 -k uvicorn.workers.UvicornWorker app.main:app\nEnvironment=APP_MODE=prod\n";
    let project = project(&[("deploy/orders.service", unit)]);
    let service = &project.services()[0];
    assert_eq!(service.name, "orders");
    assert!(!service.is_containerised());
    let runtime = &service.runtimes[0];
    assert_eq!(runtime.workers().map(|w| w.value), Some(3));
    assert_eq!(
        runtime.env.get("APP_MODE").and_then(|v| v.value.literal()),
        Some("prod")
    );
}

#[test]
fn modules_importing_project_modules_are_parsed_too() {
    let base = "from pydantic_settings import BaseSettings\n\nclass BaseAppSettings(BaseSettings):\n    debug: bool = False\n";
    let absolute = "from app.core.base import BaseAppSettings\n\nclass ProdSettings(BaseAppSettings):\n    database_url: str\n";
    let relative =
        "from .prod import ProdSettings\n\nclass StagingSettings(ProdSettings):\n    pass\n";
    let unrelated = "import os\nimport base\n\nclass Helper:\n    pass\n";
    let project = project(&[
        ("app/core/base.py", base),
        ("app/core/prod.py", absolute),
        ("app/core/staging.py", relative),
        ("app/util.py", unrelated),
    ]);
    let names: Vec<&str> = project
        .python()
        .settings
        .classes
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["BaseAppSettings", "ProdSettings", "StagingSettings"]
    );
    let late: Vec<&str> = project
        .files()
        .iter()
        .filter(|f| f.late_parsed)
        .filter_map(|f| f.source.path().to_str())
        .collect();
    assert_eq!(late, ["app/core/prod.py", "app/core/staging.py"]);
}

#[test]
fn syntax_errors_of_late_parsed_modules_are_reported() {
    let base =
        "from pydantic_settings import BaseSettings\n\nclass Base(BaseSettings):\n    pass\n";
    let broken = "from app.base import Base\n\nclass Prod(Base):\n    x: int = (\n";
    let report = crate::Linter::new(crate::Settings::default()).lint_sources(vec![
        SourceFile::new("app/base.py", FileKind::Python, base),
        SourceFile::new("app/prod.py", FileKind::Python, broken),
    ]);
    let syntax: Vec<(String, u32)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "PS000")
        .map(|d| (d.path().display().to_string(), d.location.start.line))
        .collect();
    // The parser stops at the end of the file, after the unclosed parenthesis.
    assert_eq!(syntax, [("app/prod.py".to_string(), 5)]);
}

#[test]
fn the_single_service_fallback_links_only_nearby_containers() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nspec:\n  template:\n    spec:\n      containers:\n        - name: demo\n          image: example.com/team/some-demo:1\n";
    let project = project(&[
        (
            "examples/shop/app/Dockerfile",
            "FROM python:3.12\nCMD [\"uvicorn\", \"main:app\"]\n",
        ),
        ("examples/shop/app/requirements.txt", ""),
        ("examples/shop/k8s/deployment.yaml", deployment),
        ("examples/other/deployment.yaml", deployment),
    ]);
    let service = &project.services()[0];
    let linked: Vec<String> = service
        .runtimes
        .iter()
        .filter_map(|r| match r.platform {
            Platform::Kubernetes { file, .. } => Some(path_of(&project, file)),
            _ => None,
        })
        .collect();
    assert_eq!(linked, ["examples/shop/k8s/deployment.yaml"]);
}
