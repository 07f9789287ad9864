//! Synthetic deployment files for benchmarks: Dockerfiles, `.dockerignore` files,
//! gunicorn configs, pydantic settings modules, entrypoint scripts and multi-document
//! Kubernetes manifests, varied the way real services vary, and deterministic from a seed.
//!
//! Shared by the `gen_corpus` example (which writes them to disk) and the benches (which
//! keep them in memory), so both measure the same inputs.

#![allow(dead_code)]

use std::fmt::Write as _;

/// A small xorshift64* generator: deterministic, no dependencies, good enough to vary
/// synthetic files.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is remapped: xorshift must not start at 0).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Which file kinds a service directory gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kinds {
    pub dockerfile: bool,
    pub dockerignore: bool,
    pub gunicorn: bool,
    pub settings: bool,
    pub manifests: bool,
    pub shell: bool,
}

impl Kinds {
    /// Every kind.
    pub const ALL: Kinds = Kinds {
        dockerfile: true,
        dockerignore: true,
        gunicorn: true,
        settings: true,
        manifests: true,
        shell: true,
    };
    /// No kind.
    pub const NONE: Kinds = Kinds {
        dockerfile: false,
        dockerignore: false,
        gunicorn: false,
        settings: false,
        manifests: false,
        shell: false,
    };

    /// Parses a comma-separated list (`dockerfile,manifests`, or `all`).
    pub fn parse(list: &str) -> Result<Kinds, String> {
        let mut kinds = Kinds::NONE;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "all" => kinds = Kinds::ALL,
                "dockerfile" => kinds.dockerfile = true,
                "dockerignore" => kinds.dockerignore = true,
                "gunicorn" => kinds.gunicorn = true,
                "settings" => kinds.settings = true,
                "manifests" | "k8s" => kinds.manifests = true,
                "shell" => kinds.shell = true,
                other => return Err(format!("unknown kind `{other}`")),
            }
        }
        Ok(kinds)
    }

    /// How many files one service gets.
    pub fn files_per_service(self) -> usize {
        [
            self.dockerfile,
            self.dockerignore,
            self.gunicorn,
            self.settings,
            self.manifests,
            self.shell,
        ]
        .iter()
        .filter(|&&k| k)
        .count()
    }
}

/// One generated file: a path relative to the corpus root, and its text.
#[derive(Clone, Debug)]
pub struct GeneratedFile {
    pub path: String,
    pub text: String,
}

const SERVICE_WORDS: &[&str] = &[
    "orders",
    "billing",
    "users",
    "catalog",
    "search",
    "payments",
    "inventory",
    "shipping",
    "auth",
    "notify",
    "reports",
    "gateway",
    "ledger",
    "pricing",
    "reviews",
    "media",
];

const BASE_IMAGES: &[&str] = &[
    "python:3.12-slim",
    "python:3.11-slim-bookworm",
    "python:3.13",
    "python:3.12",
    "python:latest",
    "python",
    "python:3.12-slim@sha256:6f1b2a34c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70",
    "ghcr.io/acme/python-base:2024.06",
    "registry.example.com/platform/python:3.12",
    "${BASE_IMAGE}",
];

const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "gcc",
    "libpq-dev",
    "curl",
    "git",
    "libffi-dev",
    "ca-certificates",
    "tini",
    "libxml2-dev",
    "netcat-openbsd",
];

const PORTS: &[u16] = &[8000, 8080, 80, 5000, 8000, 9000];

/// The service name of index `index`.
pub fn service_name(index: usize) -> String {
    format!(
        "{}-{:05}",
        SERVICE_WORDS[index % SERVICE_WORDS.len()],
        index
    )
}

/// Everything one service directory holds, for the kinds asked for.
pub fn service(seed: u64, index: usize, kinds: Kinds) -> Vec<GeneratedFile> {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let name = service_name(index);
    let port = *rng.pick(PORTS);
    let mut files = Vec::new();
    let dir = format!("services/{name}");
    let has_entrypoint = kinds.shell && rng.chance(60);
    if kinds.dockerfile {
        files.push(GeneratedFile {
            path: format!("{dir}/Dockerfile"),
            text: dockerfile(&mut rng, &name, port, has_entrypoint),
        });
        files.push(GeneratedFile {
            path: format!("{dir}/requirements.txt"),
            text: "fastapi==0.115.0\nuvicorn[standard]==0.30.6\ngunicorn==22.0.0\npydantic-settings==2.4.0\nsqlalchemy==2.0.35\nalembic==1.13.2\n".to_string(),
        });
    }
    if kinds.dockerignore {
        files.push(GeneratedFile {
            path: format!("{dir}/.dockerignore"),
            text: dockerignore(&mut rng),
        });
    }
    if kinds.gunicorn {
        files.push(GeneratedFile {
            path: format!("{dir}/gunicorn.conf.py"),
            text: gunicorn_conf(&mut rng, port),
        });
    }
    if kinds.settings {
        files.push(GeneratedFile {
            path: format!("{dir}/app/settings.py"),
            text: settings_module(&mut rng, &name),
        });
    }
    if kinds.shell {
        files.push(GeneratedFile {
            path: format!("{dir}/docker-entrypoint.sh"),
            text: entrypoint_script(&mut rng, port),
        });
    }
    if kinds.manifests {
        let documents = 2 + rng.below(4);
        files.push(GeneratedFile {
            path: format!("{dir}/k8s/{name}.yaml"),
            text: manifests(&mut rng, &name, port, documents),
        });
    }
    files
}

/// A whole corpus: `services` service directories.
pub fn corpus(seed: u64, services: usize, kinds: Kinds) -> Vec<GeneratedFile> {
    (0..services)
        .flat_map(|index| service(seed, index, kinds))
        .collect()
}

/// A realistic Dockerfile for a FastAPI service: single- or multi-stage, with the usual
/// mistakes sprinkled in at realistic rates.
pub fn dockerfile(rng: &mut Rng, name: &str, port: u16, entrypoint: bool) -> String {
    let mut out = String::with_capacity(1500);
    let base = *rng.pick(BASE_IMAGES);
    if rng.chance(20) {
        out.push_str("# syntax=docker/dockerfile:1.7\n");
    }
    let _ = writeln!(out, "# Image for the {name} service.");
    if base.contains("BASE_IMAGE") {
        out.push_str("ARG BASE_IMAGE=python:3.12-slim\n");
    }
    let multi_stage = rng.chance(45);
    if multi_stage {
        let _ = writeln!(out, "FROM {base} AS builder");
        out.push_str("WORKDIR /build\n");
        out.push_str("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends build-essential libpq-dev \\\n    && rm -rf /var/lib/apt/lists/*\n");
        out.push_str("COPY requirements.txt .\n");
        out.push_str("RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt\n\n");
        let _ = writeln!(out, "FROM {base} AS runtime");
    } else {
        let _ = writeln!(out, "FROM {base}");
    }
    if rng.chance(30) {
        let _ = writeln!(
            out,
            "LABEL org.opencontainers.image.title=\"{name}\" \\\n      org.opencontainers.image.vendor=\"Acme\""
        );
    }
    if rng.chance(65) {
        out.push_str("ENV PYTHONUNBUFFERED=1 \\\n    PYTHONDONTWRITEBYTECODE=1\n");
    }
    if rng.chance(15) {
        let _ = writeln!(out, "ENV SECRET_KEY=dev-{}-secret", rng.below(1000));
    }
    if rng.chance(10) {
        out.push_str("ARG GITHUB_TOKEN\n");
    }
    let packages: Vec<&str> = (0..1 + rng.below(4))
        .map(|_| *rng.pick(APT_PACKAGES))
        .collect();
    if !multi_stage || rng.chance(40) {
        let cleanup = if rng.chance(60) {
            " \\\n    && rm -rf /var/lib/apt/lists/*"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "RUN apt-get update \\\n    && apt-get install -y {}{cleanup}",
            packages.join(" ")
        );
    }
    out.push_str("WORKDIR /app\n");
    let user_early = rng.chance(35);
    if user_early {
        out.push_str("RUN groupadd --system app && useradd --system --gid app app\n");
    }
    let code_first = rng.chance(25);
    if code_first {
        out.push_str("COPY . .\n");
    }
    if multi_stage {
        out.push_str("COPY --from=builder /wheels /wheels\n");
        out.push_str("RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels\n");
    } else {
        out.push_str("COPY requirements.txt .\n");
        if rng.chance(50) {
            out.push_str("RUN pip install --no-cache-dir -r requirements.txt\n");
        } else {
            out.push_str("RUN pip install -r requirements.txt\n");
        }
    }
    if rng.chance(15) {
        out.push_str(
            "RUN <<EOF\nset -e\npython -m compileall -q /app\necho built > /app/BUILD\nEOF\n",
        );
    }
    if !code_first {
        if rng.chance(50) {
            out.push_str("COPY app ./app\n");
        } else {
            out.push_str("COPY --chown=app:app . .\n");
        }
    }
    if !user_early && rng.chance(40) {
        out.push_str("RUN useradd --create-home app\n");
    }
    if rng.chance(70) {
        out.push_str("USER app\n");
    }
    let exposed = if rng.chance(85) {
        port
    } else {
        *rng.pick(PORTS)
    };
    let _ = writeln!(out, "EXPOSE {exposed}");
    if rng.chance(25) {
        let _ = writeln!(
            out,
            "HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:{port}/healthz || exit 1"
        );
    }
    if entrypoint {
        out.push_str("COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh\n");
        out.push_str("ENTRYPOINT [\"/usr/local/bin/docker-entrypoint.sh\"]\n");
    }
    let host = if rng.chance(8) {
        "127.0.0.1"
    } else {
        "0.0.0.0"
    };
    match rng.below(6) {
        0 => {
            let _ = writeln!(
                out,
                "CMD [\"gunicorn\", \"app.main:app\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"--bind\", \"{host}:{port}\", \"--workers\", \"{}\"]",
                1 + rng.below(8)
            );
        }
        1 => {
            let _ = writeln!(
                out,
                "CMD [\"uvicorn\", \"app.main:app\", \"--host\", \"{host}\", \"--port\", \"{port}\"]"
            );
        }
        2 => {
            let _ = writeln!(
                out,
                "CMD uvicorn app.main:app --host {host} --port {port} --reload"
            );
        }
        3 => {
            let _ = writeln!(
                out,
                "CMD alembic upgrade head && uvicorn app.main:app --host {host} --port {port}"
            );
        }
        4 => {
            out.push_str("CMD [\"gunicorn\", \"-c\", \"gunicorn.conf.py\", \"app.main:app\"]\n");
        }
        _ => {
            let _ = writeln!(
                out,
                "CMD [\"fastapi\", \"run\", \"app/main.py\", \"--port\", \"{port}\"]"
            );
        }
    }
    out
}

/// A `.dockerignore`, sometimes missing the entries that matter.
pub fn dockerignore(rng: &mut Rng) -> String {
    let mut out = String::from("# Keep the build context small and free of secrets.\n");
    let entries: &[(&str, u32)] = &[
        (".git", 85),
        (".venv/", 70),
        ("venv/", 40),
        ("__pycache__/", 80),
        ("**/*.pyc", 60),
        (".env", 65),
        (".env.*", 30),
        ("!.env.example", 15),
        ("node_modules", 30),
        (".pytest_cache/", 50),
        (".mypy_cache/", 40),
        ("tests/", 35),
        ("docs/", 25),
        ("*.md", 30),
        ("!README.md", 20),
        ("Dockerfile*", 25),
        (".dockerignore", 20),
        ("coverage.xml", 20),
        ("htmlcov/", 20),
        ("*.sqlite3", 15),
        ("secrets/", 20),
        ("*.pem", 25),
        ("[Bb]uild/", 10),
        ("dist/", 30),
    ];
    for (entry, percent) in entries {
        if rng.chance(*percent) {
            out.push_str(entry);
            out.push('\n');
        }
    }
    out
}

/// A `gunicorn.conf.py` with the settings services usually tune.
pub fn gunicorn_conf(rng: &mut Rng, port: u16) -> String {
    let mut out = String::from(
        "\"\"\"Gunicorn configuration.\"\"\"\n\nimport multiprocessing\nimport os\n\n",
    );
    let host = if rng.chance(10) {
        "127.0.0.1"
    } else {
        "0.0.0.0"
    };
    let _ = writeln!(out, "bind = os.environ.get(\"BIND\", \"{host}:{port}\")");
    match rng.below(3) {
        0 => out.push_str("workers = multiprocessing.cpu_count() * 2 + 1\n"),
        1 => out.push_str("workers = int(os.environ.get(\"WEB_CONCURRENCY\", \"4\"))\n"),
        _ => {
            let _ = writeln!(out, "workers = {}", 1 + rng.below(8));
        }
    }
    if rng.chance(80) {
        out.push_str("worker_class = \"uvicorn.workers.UvicornWorker\"\n");
    } else {
        out.push_str("worker_class = \"sync\"\n");
    }
    let _ = writeln!(out, "timeout = {}", *rng.pick(&[30, 60, 120, 0]));
    let _ = writeln!(out, "graceful_timeout = {}", *rng.pick(&[10, 30, 60]));
    let _ = writeln!(out, "keepalive = {}", *rng.pick(&[2, 5, 75]));
    if rng.chance(20) {
        out.push_str("reload = True\n");
    }
    if rng.chance(40) {
        out.push_str("accesslog = \"-\"\nerrorlog = \"-\"\nloglevel = os.environ.get(\"LOG_LEVEL\", \"info\")\n");
    }
    if rng.chance(30) {
        out.push_str("max_requests = 1000\nmax_requests_jitter = 100\n");
    }
    if rng.chance(25) {
        out.push_str("preload_app = True\n");
    }
    if rng.chance(30) {
        out.push_str(
            "\n\ndef post_fork(server, worker):\n    server.log.info(\"worker %s spawned\", worker.pid)\n",
        );
    }
    out
}

/// A pydantic settings module.
pub fn settings_module(rng: &mut Rng, name: &str) -> String {
    let mut out = String::from(
        "from functools import lru_cache\n\nfrom pydantic import Field, PostgresDsn, SecretStr\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n",
    );
    out.push_str("class Settings(BaseSettings):\n");
    let _ = writeln!(
        out,
        "    model_config = SettingsConfigDict(env_prefix=\"{}_\", env_file=\".env\", extra=\"ignore\")\n",
        name.split('-').next().unwrap_or("app").to_ascii_uppercase()
    );
    let _ = writeln!(out, "    app_name: str = \"{name}\"");
    out.push_str("    debug: bool = False\n");
    if rng.chance(25) {
        out.push_str("    secret_key: str = \"change-me\"\n");
    } else {
        out.push_str("    secret_key: SecretStr\n");
    }
    if rng.chance(20) {
        let _ = writeln!(
            out,
            "    database_url: PostgresDsn = \"postgresql://app:app@localhost:5432/{}\"",
            name.replace('-', "_")
        );
    } else {
        out.push_str("    database_url: PostgresDsn\n");
    }
    if rng.chance(50) {
        out.push_str("    redis_url: str = \"redis://redis:6379/0\"\n");
    }
    let _ = writeln!(
        out,
        "    pool_size: int = Field(default={}, ge=1)",
        1 + rng.below(20)
    );
    if rng.chance(40) {
        out.push_str("    allowed_origins: list[str] = [\"http://localhost:3000\"]\n");
    }
    if rng.chance(30) {
        out.push_str("    sentry_dsn: str | None = None\n");
    }
    out.push_str("\n\n@lru_cache\ndef get_settings() -> Settings:\n    return Settings()\n");
    out
}

/// A `docker-entrypoint.sh` that waits for the database and starts the server.
pub fn entrypoint_script(rng: &mut Rng, port: u16) -> String {
    let mut out = String::from("#!/bin/sh\nset -eu\n\n");
    if rng.chance(50) {
        out.push_str(
            "until nc -z \"${DB_HOST:-db}\" \"${DB_PORT:-5432}\"; do\n  echo \"waiting for the database\"\n  sleep 1\ndone\n\n",
        );
    }
    if rng.chance(40) {
        out.push_str("alembic upgrade head\n");
    }
    if rng.chance(30) {
        out.push_str("if [ \"$#\" -gt 0 ]; then\n  exec \"$@\"\nfi\n");
    }
    if rng.chance(70) {
        let _ = writeln!(
            out,
            "exec gunicorn app.main:app -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:{port}"
        );
    } else {
        let _ = writeln!(out, "uvicorn app.main:app --host 0.0.0.0 --port {port}");
    }
    out
}

/// A multi-document manifest file: a Deployment, a Service, and `documents - 2` more
/// objects (ConfigMap, PodDisruptionBudget, migration Job, Secret).
pub fn manifests(rng: &mut Rng, name: &str, port: u16, documents: usize) -> String {
    let mut out = String::with_capacity(4000);
    let replicas = *rng.pick(&[1, 2, 3, 3, 5]);
    let image_tag = match rng.below(5) {
        0 => ":latest".to_string(),
        1 => String::new(),
        _ => format!(":1.{}.{}", rng.below(20), rng.below(10)),
    };
    let _ = writeln!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:"
    );
    if rng.chance(50) {
        let _ = writeln!(
            out,
            "      terminationGracePeriodSeconds: {}",
            *rng.pick(&[5, 30, 45, 60])
        );
    }
    if rng.chance(50) {
        out.push_str(
            "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n",
        );
    }
    let _ = writeln!(
        out,
        "      containers:\n        - name: web\n          image: registry.example.com/acme/{name}{image_tag}"
    );
    let container_port = if rng.chance(85) { port } else { port + 1 };
    match rng.below(4) {
        0 => {
            let _ = writeln!(
                out,
                "          args: [\"gunicorn\", \"app.main:app\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"--bind\", \"0.0.0.0:{port}\"]"
            );
        }
        1 => {
            let _ = writeln!(
                out,
                "          command:\n            - uvicorn\n            - app.main:app\n            - --host\n            - 0.0.0.0\n            - --port\n            - \"{port}\""
            );
            if rng.chance(20) {
                out.push_str("            - --reload\n");
            }
        }
        2 => {
            let _ = writeln!(
                out,
                "          command: [\"sh\", \"-c\", \"alembic upgrade head && uvicorn app.main:app --host 0.0.0.0 --port {port}\"]"
            );
        }
        _ => {}
    }
    let _ = writeln!(
        out,
        "          ports:\n            - name: http\n              containerPort: {container_port}"
    );
    out.push_str("          env:\n            - name: LOG_LEVEL\n              value: info\n");
    if rng.chance(20) {
        out.push_str("            - name: DATABASE_PASSWORD\n              value: \"hunter2\"\n");
    }
    let _ = writeln!(
        out,
        "            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: {name}-db\n                  key: url"
    );
    if rng.chance(60) {
        let _ = writeln!(
            out,
            "          envFrom:\n            - configMapRef:\n                name: {name}-config"
        );
    }
    let probe_path = if rng.chance(15) {
        "/health/db"
    } else {
        "/healthz"
    };
    if rng.chance(75) {
        let _ = writeln!(
            out,
            "          livenessProbe:\n            httpGet:\n              path: {probe_path}\n              port: http\n            initialDelaySeconds: 10\n            periodSeconds: 10"
        );
    }
    if rng.chance(75) {
        let path = if rng.chance(20) { probe_path } else { "/ready" };
        let _ = writeln!(
            out,
            "          readinessProbe:\n            httpGet:\n              path: {path}\n              port: {container_port}\n            periodSeconds: 5"
        );
    }
    if rng.chance(50) {
        out.push_str("          lifecycle:\n            preStop:\n              exec:\n                command: [\"sleep\", \"5\"]\n");
    }
    if rng.chance(70) {
        let memory = *rng.pick(&["256Mi", "512Mi", "1Gi", "2Gi"]);
        let _ = writeln!(
            out,
            "          resources:\n            requests:\n              cpu: 100m\n              memory: {memory}\n            limits:\n              memory: {memory}"
        );
    }
    let _ = writeln!(
        out,
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: {}",
        if rng.chance(90) {
            container_port
        } else {
            port + 2
        }
    );
    for extra in 0..documents.saturating_sub(2) {
        match (extra + rng.below(4)) % 4 {
            0 => {
                let _ = writeln!(
                    out,
                    "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\ndata:\n  LOG_FORMAT: json\n  WORKERS: \"{}\"\n  FEATURE_FLAGS: |\n    search=on\n    beta=off",
                    1 + rng.below(8)
                );
            }
            1 => {
                let _ = writeln!(
                    out,
                    "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: {name}"
                );
            }
            2 => {
                let _ = writeln!(
                    out,
                    "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}-migrate\n  annotations:\n    helm.sh/hook: pre-upgrade\nspec:\n  backoffLimit: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: registry.example.com/acme/{name}{image_tag}\n          command: [\"alembic\", \"upgrade\", \"head\"]\n          envFrom:\n            - secretRef:\n                name: {name}-db"
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-db\ntype: Opaque\nstringData:\n  url: postgresql://app:change-me@db:5432/app"
                );
            }
        }
    }
    out
}

/// One manifest file of about `lines` lines (many Deployments and Services in one
/// stream), for the editor re-lint bench.
pub fn large_manifest(seed: u64, lines: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    let mut index = 0;
    while out.lines().count() < lines {
        if !out.is_empty() {
            out.push_str("---\n");
        }
        let name = service_name(index);
        let port = *rng.pick(PORTS);
        out.push_str(&manifests(&mut rng, &name, port, 4));
        index += 1;
    }
    out
}
