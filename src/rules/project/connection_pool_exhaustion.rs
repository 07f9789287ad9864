//! XF001: see rules/project/XF001-connection-pool-exhaustion.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::{
    Database, Fact, Origin, PoolContribution, PoolSize, Project, Runtime, WorkerPool,
};
use crate::span::Span;

use super::plural;

/// One workload's share of a database's connections.
struct Share<'p> {
    runtime: &'p Runtime,
    replicas: Fact<i64>,
    workers: Fact<i64>,
    pool: WorkerPool,
}

impl Share<'_> {
    fn connections(&self) -> i64 {
        self.replicas
            .value
            .saturating_mul(self.workers.value)
            .saturating_mul(self.pool.connections)
    }
}

/// The workloads using one database may open more connections than it accepts.
struct ConnectionPoolExhaustion {
    /// Each workload's `replicas × workers × pool` with the facts' origins.
    shares: Vec<String>,
    total: i64,
    usable: i64,
    /// The database's limit and where it comes from.
    database: String,
}

impl Violation for ConnectionPoolExhaustion {
    const CODE: RuleCode = RuleCode::XF001;

    fn message(&self) -> String {
        format!(
            "{} = {} > {} usable connections ({}): under load the pools open more \
             connections than PostgreSQL accepts and requests fail with \"too many clients\"",
            self.shares.join(" + "),
            self.total,
            self.usable,
            self.database
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "keep replicas x workers x pool size within {}: smaller pools, fewer workers or \
             fewer replicas (an autoscaler's `maxReplicas` counts); or raise \
             `max_connections`, or put PgBouncer in front of the database",
            self.usable
        ))
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let databases = project.databases();
    if databases.is_empty() {
        return;
    }
    let mut shares: Vec<Vec<Share<'_>>> = databases.iter().map(|_| Vec::new()).collect();
    let mut unknown = vec![false; databases.len()];
    for service in project.services() {
        for runtime in service.runtimes.iter().filter(|r| !r.development) {
            let pool = match project.worker_pool(service, runtime) {
                PoolSize::NoPool => continue,
                PoolSize::Unknown => None,
                PoolSize::Known(pool) => Some(pool),
            };
            let Some(link) = project.database_link(&databases, service, runtime) else {
                continue;
            };
            match (pool, project.replicas(runtime), runtime.workers()) {
                (Some(pool), Some(replicas), Some(workers)) => {
                    if let Some(list) = shares.get_mut(link.database) {
                        list.push(Share {
                            runtime,
                            replicas,
                            workers,
                            pool,
                        });
                    }
                }
                _ => {
                    if let Some(flag) = unknown.get_mut(link.database) {
                        *flag = true;
                    }
                }
            }
        }
    }
    for ((database, list), unknown) in databases.iter().zip(&shares).zip(unknown) {
        if unknown || list.is_empty() {
            continue;
        }
        let total = list
            .iter()
            .fold(0i64, |sum, share| sum.saturating_add(share.connections()));
        let usable = database.usable_connections();
        if total <= usable {
            continue;
        }
        report(project, cx, database, list, total);
    }
}

fn report(
    project: &Project,
    cx: &mut Context,
    database: &Database,
    list: &[Share<'_>],
    total: i64,
) {
    let Some(primary) = list
        .iter()
        .flat_map(|share| &share.pool.creations)
        .find(|creation| creation.connections > 0)
    else {
        return;
    };
    let Some(primary_file) = project.source(primary.file) else {
        return;
    };
    let at = |origin: &Origin| project.describe_origin(origin);
    let shares = list
        .iter()
        .map(|share| {
            format!(
                "{} ({}) x {} ({}) x {} ({})",
                plural(share.replicas.value, "replica"),
                at(&share.replicas.origin),
                plural(share.workers.value, "worker"),
                at(&share.workers.origin),
                plural(share.pool.connections, "connection"),
                describe_pool(project, &share.pool)
            )
        })
        .collect();
    let max = &database.max_connections;
    let mut limit = match &max.origin {
        Origin::Default(text) => text.clone(),
        origin => format!("{}: max_connections {}", at(origin), max.value),
    };
    let reserved = &database.reserved_connections;
    match &reserved.origin {
        Origin::Default(_) => {
            limit.push_str(&format!(", {} reserved by default", reserved.value));
        }
        origin if at(origin) == at(&max.origin) => {
            limit.push_str(&format!(", {} reserved", reserved.value));
        }
        origin => limit.push_str(&format!(", {} reserved ({})", reserved.value, at(origin))),
    }
    let violation = ConnectionPoolExhaustion {
        shares,
        total,
        usable: database.usable_connections(),
        database: limit,
    };
    // Every factor in its own file, once.
    let mut labels: Vec<(usize, Span, String)> = Vec::new();
    let mut add = |origin: &Origin, text: String| {
        if let Some((file, span)) = origin.location()
            && !(file == primary.file && span == primary.span)
            && !labels.iter().any(|(f, s, _)| *f == file && *s == span)
        {
            labels.push((file, span, text));
        }
    };
    for share in list {
        add(
            &share.replicas.origin,
            format!("{} at most", plural(share.replicas.value, "replica")),
        );
        add(
            &share.workers.origin,
            format!(
                "{} per {}",
                plural(share.workers.value, "worker"),
                unit(share.runtime)
            ),
        );
        for creation in &share.pool.creations {
            if creation.connections > 0 {
                add(
                    &Origin::file(creation.file, creation.span),
                    format!("{} per worker", plural(creation.connections, "connection")),
                );
            }
            for term in &creation.terms {
                if let Some(var) = &term.from_env {
                    add(
                        &term.value.origin,
                        format!("{var} sets {} to {}", term.name, term.value.value),
                    );
                }
            }
        }
    }
    add(
        &database.max_connections.origin,
        format!("max_connections {}", database.max_connections.value),
    );
    add(
        &database.reserved_connections.origin,
        format!(
            "superuser_reserved_connections {}",
            database.reserved_connections.value
        ),
    );
    let message = format!("{} per worker", plural(primary.connections, "connection"));
    let mut report = cx.report_in(primary_file, violation, primary.span).label(
        primary_file,
        primary.span,
        message,
    );
    for (file, span, text) in labels {
        if let Some(source) = project.source(file) {
            report = report.label(source, span, text);
        }
    }
    drop(report);
}

/// What one set of workers is: a pod, a container, a process.
fn unit(runtime: &Runtime) -> &'static str {
    match runtime.platform {
        crate::project::Platform::Kubernetes { .. } => "pod",
        crate::project::Platform::Compose { .. } => "container",
        _ => "instance",
    }
}

/// `app/db.py:9: pool_size 20 + max_overflow 10`, one part per pool creation.
fn describe_pool(project: &Project, pool: &WorkerPool) -> String {
    pool.creations
        .iter()
        .filter(|c| c.connections > 0)
        .map(|creation| describe_creation(project, creation))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_creation(project: &Project, creation: &PoolContribution) -> String {
    let terms = creation
        .terms
        .iter()
        .map(|term| {
            let value = format!("{} {}", term.name, term.value.value);
            match (&term.from_env, &term.value.origin) {
                (Some(var), origin) => {
                    format!("{value} from {var} at {}", project.describe_origin(origin))
                }
                (None, Origin::Default(text)) => text.clone(),
                (None, _) => value,
            }
        })
        .collect::<Vec<_>>()
        .join(" + ");
    format!(
        "{}: {terms}",
        project.describe_origin(&Origin::file(creation.file, creation.span))
    )
}
