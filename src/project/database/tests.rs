use std::collections::BTreeSet;
use std::path::Path;

use super::*;
use crate::project::ParsedFile;
use crate::source::{FileKind, SourceFile};

fn project(files: &[(&str, &str)]) -> Project {
    project_with(files, crate::config::Facts::default())
}

fn project_with(files: &[(&str, &str)], facts: crate::config::Facts) -> Project {
    let parsed = files
        .iter()
        .map(|(path, text)| {
            let kind = FileKind::detect(Path::new(path)).expect("a known kind");
            ParsedFile::parse(SourceFile::new(*path, kind, *text))
        })
        .collect();
    Project::new(parsed, BTreeSet::new()).with_facts(facts)
}

/// The text an origin points at.
fn written<'p>(project: &'p Project, origin: &Origin) -> &'p str {
    let (file, span) = origin.location().expect("written in a file");
    let text = project.source(file).expect("file").text();
    &text[span.start as usize..span.end as usize]
}

const POSTGRES_ARGS: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
spec:
  serviceName: postgres
  selector:
    matchLabels: {app: postgres}
  template:
    metadata:
      labels: {app: postgres}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          args: [\"-c\", \"max_connections=200\", \"-c\", \"superuser_reserved_connections=5\"]
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: postgres}
  ports: [{port: 5432}]
";

#[test]
fn max_connections_from_server_arguments() {
    let project = project(&[("k8s/postgres.yaml", POSTGRES_ARGS)]);
    let databases = project.databases();
    assert_eq!(databases.len(), 1);
    let database = &databases[0];
    assert_eq!(database.name, "postgres");
    assert_eq!(database.hosts, vec!["postgres", "db"]);
    assert_eq!(database.max_connections.value, 200);
    assert_eq!(
        written(&project, &database.max_connections.origin),
        "max_connections=200"
    );
    assert_eq!(database.reserved_connections.value, 5);
    assert_eq!(database.usable_connections(), 195);
    assert!(database.is_reached_by("db"));
    assert!(database.is_reached_by("postgres.default.svc.cluster.local"));
    assert!(!database.is_reached_by("db.example.com"));
}

#[test]
fn max_connections_from_a_shell_command_and_compose() {
    let compose = "services:\n  db:\n    image: bitnami/postgresql:16\n    command: postgres -c max_connections=300\n  cache:\n    image: redis:7\n";
    let project = project(&[("docker-compose.yml", compose)]);
    let databases = project.databases();
    assert_eq!(databases.len(), 1);
    assert_eq!(databases[0].name, "db");
    assert_eq!(databases[0].max_connections.value, 300);
    assert_eq!(
        written(&project, &databases[0].max_connections.origin),
        "max_connections=300"
    );
    assert_eq!(databases[0].reserved_connections.value, 3);
}

const POSTGRES_CONF: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: postgres-config
data:
  postgresql.conf: |
    shared_buffers = 256MB
    max_connections = 150   # sized for the pools
  other: value
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
spec:
  selector:
    matchLabels: {app: postgres}
  template:
    metadata:
      labels: {app: postgres}
    spec:
      containers:
        - name: postgres
          image: postgis/postgis:16-3.4
      volumes:
        - name: config
          configMap:
            name: postgres-config
";

#[test]
fn max_connections_from_a_mounted_config_map() {
    let project = project(&[("k8s/postgres.yaml", POSTGRES_CONF)]);
    let databases = project.databases();
    assert_eq!(databases.len(), 1);
    assert_eq!(databases[0].max_connections.value, 150);
    assert_eq!(
        written(&project, &databases[0].max_connections.origin),
        "max_connections = 150"
    );
    assert_eq!(databases[0].references, vec!["postgres-config"]);
}

#[test]
fn conf_lines_are_read_like_postgresql() {
    let text = "# max_connections = 10\nmax_connections 20\nmax_connections = '30' # later\n";
    assert_eq!(
        conf_setting(text, "max_connections"),
        Some((30, "max_connections = '30'".to_string()))
    );
    assert_eq!(conf_setting("port = 5432\n", "max_connections"), None);
}

const POSTGRES_PLAIN: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: postgres
spec:
  template:
    metadata:
      labels: {app: postgres}
    spec:
      containers:
        - name: postgres
          image: docker.io/library/postgres:16
";

#[test]
fn max_connections_from_configuration_then_default() {
    let project = project(&[("k8s/postgres.yaml", POSTGRES_PLAIN)]);
    let database = &project.databases()[0];
    assert_eq!(database.max_connections.value, 100);
    assert_eq!(
        database.max_connections.origin,
        Origin::Default("PostgreSQL default max_connections = 100".into())
    );
    assert_eq!(database.reserved_connections.value, 3);

    let facts = crate::config::Facts {
        max_connections: Some(400),
        reserved_connections: Some(10),
        ..Default::default()
    };
    let project = project_with(&[("k8s/postgres.yaml", POSTGRES_PLAIN)], facts.clone());
    let database = &project.databases()[0];
    assert_eq!(database.max_connections.value, 400);
    assert_eq!(
        database.max_connections.origin,
        Origin::Config("max-connections".into())
    );
    assert_eq!(database.usable_connections(), 390);

    // No server in the repository: the configured one outside it.
    let project = project_with(&[], facts);
    let databases = project.databases();
    assert_eq!(databases.len(), 1);
    assert_eq!(databases[0].platform, DatabasePlatform::External);
    assert_eq!(databases[0].max_connections.value, 400);
}

#[test]
fn urls_name_their_host() {
    assert_eq!(
        postgres_host("postgresql+asyncpg://u:p@HOST:5432/db").as_deref(),
        Some("HOST")
    );
    assert_eq!(postgres_host("postgres://db/app").as_deref(), Some("db"));
    assert_eq!(
        postgres_host("postgresql://u@[::1]:5432/app").as_deref(),
        Some("::1")
    );
    assert_eq!(postgres_host("mysql://u:p@db/app"), None);
    assert_eq!(postgres_host("postgresql://u:p@${DB_HOST}/app"), None);
    assert!(is_postgres_image("bitnami/postgresql:16"));
    assert!(!is_postgres_image("pgbouncer/pgbouncer"));
}

const DOCKERFILE: &str = "FROM python:3.12-slim\nCOPY . /app\nCMD [\"gunicorn\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"-w\", \"4\", \"app.main:app\"]\n";

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0
          env:
            - name: DATABASE_URL
              value: postgresql+asyncpg://app:app@db:5432/app
            - name: APP_DB_POOL_SIZE
              value: \"25\"
";

const HPA: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 2
  maxReplicas: 12
";

fn api_project(db: &str, extra: &[(&str, &str)]) -> Project {
    let mut files = vec![
        ("api/Dockerfile", DOCKERFILE),
        ("api/pyproject.toml", ""),
        (
            "api/app/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n",
        ),
        ("api/app/db.py", db),
        ("k8s/deployment.yaml", DEPLOYMENT),
        ("k8s/postgres.yaml", POSTGRES_ARGS),
    ];
    files.retain(|(path, _)| !path.ends_with(".toml"));
    files.extend_from_slice(extra);
    project(&files)
}

fn known(size: PoolSize) -> WorkerPool {
    match size {
        PoolSize::Known(pool) => pool,
        other => panic!("pool not known: {other:?}"),
    }
}

#[test]
fn pool_from_pool_size_and_max_overflow() {
    let db = "from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine('postgresql+asyncpg://app@db/app', pool_size=20, max_overflow=10)\n";
    let project = api_project(db, &[]);
    let services = project.services();
    assert_eq!(services.len(), 1, "{services:?}");
    let service = &services[0];
    let runtime = &service.runtimes[0];
    let pool = known(project.worker_pool(service, runtime));
    assert_eq!(pool.connections, 30);
    let terms = &pool.creations[0].terms;
    assert_eq!(terms[0].name, "pool_size");
    assert_eq!(written(&project, &terms[0].value.origin), "20");
    assert_eq!(written(&project, &terms[1].value.origin), "10");
    let databases = project.databases();
    let link = project
        .database_link(&databases, service, runtime)
        .expect("linked");
    assert_eq!(link.database, 0);
    assert!(matches!(
        link.evidence,
        LinkEvidence::Url { ref host, .. } if host == "db"
    ));
    let replicas = project.replicas(runtime).expect("replicas");
    assert_eq!(replicas.value, 3);
    assert_eq!(written(&project, &replicas.origin), "3");
}

#[test]
fn pool_defaults_and_null_pool() {
    let db = "import asyncpg\nfrom sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\nengine = create_engine('postgresql://app@db/app')\nnull = create_engine('postgresql://app@db/app', poolclass=NullPool)\nasync def start():\n    return await asyncpg.create_pool('postgresql://app@db/app')\n";
    let project = api_project(db, &[]);
    let service = &project.services()[0];
    let pool = known(project.worker_pool(service, &service.runtimes[0]));
    assert_eq!(pool.connections, 15 + 10);
    assert_eq!(pool.creations.len(), 3);
    assert_eq!(
        pool.creations[0].terms[0].value.origin,
        Origin::Default("SQLAlchemy default pool_size = 5".into())
    );
    assert_eq!(pool.creations[1].connections, 0);
    assert_eq!(
        pool.creations[2].terms[0].value.origin,
        Origin::Default("asyncpg default max_size = 10".into())
    );
}

#[test]
fn an_unknown_argument_makes_the_pool_unknown() {
    let db = "import os\nfrom sqlalchemy import create_engine\nengine = create_engine('postgresql://app@db/app', pool_size=int(os.environ['POOL']))\n";
    let project = api_project(db, &[]);
    let service = &project.services()[0];
    assert_eq!(
        project.worker_pool(service, &service.runtimes[0]),
        PoolSize::Unknown
    );
}

#[test]
fn environment_overrides_a_settings_pool_size() {
    let settings = "from pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n    db_pool_size: int = 10\n    db_max_overflow: int = 5\n\nsettings = Settings()\n";
    let db = "from sqlalchemy.ext.asyncio import create_async_engine\nfrom app.settings import settings\nengine = create_async_engine('postgresql+asyncpg://app@db/app', pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)\n";
    let project = api_project(db, &[("api/app/settings.py", settings)]);
    let service = &project.services()[0];
    let pool = known(project.worker_pool(service, &service.runtimes[0]));
    assert_eq!(pool.connections, 25 + 5);
    let size = &pool.creations[0].terms[0];
    assert_eq!(size.from_env.as_deref(), Some("APP_DB_POOL_SIZE"));
    assert_eq!(written(&project, &size.value.origin), "\"25\"");
    let overflow = &pool.creations[0].terms[1];
    assert_eq!(overflow.from_env, None);
    assert_eq!(
        written(&project, &overflow.value.origin),
        "settings.db_max_overflow"
    );
}

#[test]
fn autoscaler_maximum_replaces_replicas() {
    let db = "import asyncpg\nasync def start():\n    return await asyncpg.create_pool('postgresql://app@db/app', max_size=8)\n";
    let project = api_project(db, &[("k8s/hpa.yaml", HPA)]);
    let service = &project.services()[0];
    let replicas = project.replicas(&service.runtimes[0]).expect("replicas");
    assert_eq!(replicas.value, 12);
    assert_eq!(written(&project, &replicas.origin), "12");
    let (file, _) = replicas.origin.location().expect("file");
    assert_eq!(
        project.source(file).expect("file").path(),
        Path::new("k8s/hpa.yaml")
    );
}

const TWO_DATABASES: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: orders-db
spec:
  template:
    metadata:
      labels: {app: orders-db}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          env:
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef: {name: orders-db, key: password}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: events-db
spec:
  template:
    metadata:
      labels: {app: events-db}
    spec:
      containers:
        - name: postgres
          image: postgres:16
";

const SECRET_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {name: SECRET, key: url}
";

#[test]
fn the_shared_secret_tells_databases_apart() {
    let db = "import asyncpg\nimport os\nasync def start():\n    return await asyncpg.create_pool(os.environ['DATABASE_URL'])\n";
    for (secret, expected) in [("orders-db", Some(0)), ("api-db", None)] {
        let deployment = SECRET_DEPLOYMENT.replace("SECRET", secret);
        let project = project(&[
            ("api/Dockerfile", DOCKERFILE),
            (
                "api/app/main.py",
                "from fastapi import FastAPI\napp = FastAPI()\n",
            ),
            ("api/app/db.py", db),
            ("k8s/deployment.yaml", &deployment),
            ("k8s/databases.yaml", TWO_DATABASES),
        ]);
        let databases = project.databases();
        assert_eq!(databases.len(), 2);
        let service = &project.services()[0];
        let link = project.database_link(&databases, service, &service.runtimes[0]);
        assert_eq!(link.as_ref().map(|l| l.database), expected, "{secret}");
        if let Some(link) = link {
            assert_eq!(
                link.evidence,
                LinkEvidence::SharedReference("orders-db".into())
            );
        }
    }
}

#[test]
fn a_database_outside_the_repository_counts_only_when_configured() {
    let db = "import asyncpg\nimport os\nasync def start():\n    return await asyncpg.create_pool(os.environ['DATABASE_URL'], max_size=5)\n";
    let files = [
        ("api/Dockerfile", DOCKERFILE),
        (
            "api/app/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n",
        ),
        ("api/app/db.py", db),
        (
            "k8s/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0\n",
        ),
    ];
    let unconfigured = project(&files);
    let service = &unconfigured.services()[0];
    let databases = unconfigured.databases();
    assert!(databases.is_empty());
    assert_eq!(
        unconfigured.database_link(&databases, service, &service.runtimes[0]),
        None
    );

    let facts = crate::config::Facts {
        max_connections: Some(50),
        ..Default::default()
    };
    let configured = project_with(&files, facts);
    let service = &configured.services()[0];
    let databases = configured.databases();
    let link = configured
        .database_link(&databases, service, &service.runtimes[0])
        .expect("linked");
    assert_eq!(link.evidence, LinkEvidence::Configured);
    assert_eq!(databases[link.database].usable_connections(), 47);
    let replicas = configured.replicas(&service.runtimes[0]).expect("replicas");
    assert_eq!(
        replicas,
        Fact::new(1, Origin::Default("Kubernetes default replicas = 1".into()))
    );
}

#[test]
fn psycopg_pools_hold_max_size_else_min_size() {
    let db = "from psycopg_pool import AsyncConnectionPool\npool = AsyncConnectionPool('postgresql://app@db/app', min_size=6, open=False)\nother = AsyncConnectionPool('postgresql://app@db/app', max_size=12)\n";
    let project = api_project(db, &[]);
    let service = &project.services()[0];
    let pool = known(project.worker_pool(service, &service.runtimes[0]));
    assert_eq!(pool.creations.len(), 2);
    assert_eq!(pool.creations[0].connections, 6);
    assert_eq!(
        written(&project, &pool.creations[0].terms[0].value.origin),
        "6"
    );
    assert_eq!(pool.creations[1].connections, 12);
    assert_eq!(pool.connections, 18);
}
