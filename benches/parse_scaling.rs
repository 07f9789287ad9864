//! Parse and lint time against file size, per file kind: 1 MB, 10 MB and 25 MB of
//! typical content, and of the worst shapes each parser meets (deep nesting, one huge
//! instruction, alias-heavy YAML). Linear growth shows as a flat µs/KB column.
//!
//! Run with `cargo bench --bench parse_scaling` (release build); pass sizes in MB to
//! change them: `cargo bench --bench parse_scaling -- 0.5 2`, and `rules` to also time
//! each rule alone (the three slowest per input are printed), to find the rule that
//! grows faster than its input, and words to pick shapes (`-- 2 8 rules manifests`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use deploylint::engine::RuleSet;
use deploylint::project::ParsedFile;
use deploylint::{FileKind, Linter, RULES, Settings, SourceFile};

/// One input shape: its name, the file name it is linted as, and a generator of about
/// `bytes` bytes.
struct Shape {
    name: &'static str,
    file_name: &'static str,
    kind: FileKind,
    make: fn(usize) -> String,
}

fn repeat_to(bytes: usize, mut chunk: impl FnMut(usize) -> String) -> String {
    let mut text = String::with_capacity(bytes + 256);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&chunk(i));
        i += 1;
    }
    text
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "stages",
        file_name: "Dockerfile",
        kind: FileKind::Dockerfile,
        make: |n| {
            repeat_to(n, |i| {
                format!(
                    "FROM python:3.12-slim AS stage{i}\nARG VERSION=1.{i}\nENV APP_HOME=/app PORT=80{}\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    \
                     && rm -rf /var/lib/apt/lists/*\nCOPY --from=stage{} /app /app\n\
                     RUN pip install --no-cache-dir -r requirements.txt\n\
                     CMD [\"gunicorn\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"app:app\"]\n",
                    i % 10,
                    i.saturating_sub(1)
                )
            })
        },
    },
    Shape {
        name: "FROM chain",
        file_name: "Dockerfile",
        kind: FileKind::Dockerfile,
        make: |n| {
            let mut text = String::from("FROM python:3.12-slim AS s0\n");
            text.push_str(&repeat_to(n, |i| {
                format!(
                    "FROM s{i} AS s{}\nENV STEP={i}\nRUN echo {i} > /tmp/step\n",
                    i + 1
                )
            }));
            text
        },
    },
    Shape {
        name: "one long RUN",
        file_name: "Dockerfile",
        kind: FileKind::Dockerfile,
        make: |n| {
            let mut text = String::from("FROM python:3.12-slim\nRUN true");
            text.push_str(&repeat_to(n, |i| {
                format!(" \\\n    && echo step{i} > /tmp/{i}")
            }));
            text.push('\n');
            text
        },
    },
    Shape {
        name: "deep subshells in RUN",
        file_name: "Dockerfile",
        kind: FileKind::Dockerfile,
        make: |n| {
            format!(
                "FROM python:3.12-slim\nRUN {}true{}\n",
                "(".repeat(n / 2),
                ")".repeat(n / 2)
            )
        },
    },
    Shape {
        name: "patterns",
        file_name: ".dockerignore",
        kind: FileKind::DockerIgnore,
        make: |n| {
            repeat_to(n, |i| {
                format!("# group {i}\n**/build{i}/**\n!keep{i}/*.py\nlogs[0-9]/{i}?.txt\n")
            })
        },
    },
    Shape {
        name: "script",
        file_name: "entrypoint.sh",
        kind: FileKind::ShellScript,
        make: |n| {
            repeat_to(n, |i| {
                format!(
                    "if [ -n \"${{VAR{i}:-}}\" ]; then\n  echo \"$(date) step {i}\" >> /tmp/log\n\
                     else\n  for f in a b c; do test -f \"$f\" || exit 1; done\nfi\n"
                )
            })
        },
    },
    Shape {
        name: "deep subshells",
        file_name: "entrypoint.sh",
        kind: FileKind::ShellScript,
        make: |n| format!("{}true{}\n", "(".repeat(n / 2), ")".repeat(n / 2)),
    },
    Shape {
        name: "manifests",
        file_name: "deploy.yaml",
        kind: FileKind::Yaml,
        make: |n| {
            repeat_to(n, |i| {
                format!(
                    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api{i}\n  labels: {{app: api{i}}}\n\
                     spec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: api{i}}}\n  template:\n    metadata:\n      \
                     labels: {{app: api{i}}}\n    spec:\n      containers:\n        - name: api\n          \
                     image: registry.example/api:1.{i}\n          args: [\"--workers\", \"4\"]\n          \
                     resources:\n            limits: {{memory: 512Mi, cpu: 500m}}\n"
                )
            })
        },
    },
    Shape {
        name: "aliases",
        file_name: "deploy.yaml",
        kind: FileKind::Yaml,
        make: |n| {
            let mut text = String::from(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aliases\ndata:\n  base: &base {a: 1, b: 2}\n",
            );
            text.push_str(&repeat_to(n, |i| {
                format!("  k{i}: {{<<: *base, c: {i}}}\n")
            }));
            text
        },
    },
];

fn time(mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

fn main() {
    let per_rule = std::env::args().any(|a| a == "rules");
    // Other words pick shapes by name (`manifests`, `chain`) or file (`yaml`).
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "rules" && a != "--bench" && a.parse::<f64>().is_err())
        .collect();
    let sizes: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1.0, 10.0, 25.0]
    } else {
        sizes
    };
    println!(
        "{:<14} {:<24} {:>7} {:>11} {:>9} {:>11} {:>9}",
        "file", "shape", "MB", "parse ms", "µs/KB", "lint ms", "µs/KB"
    );
    let linter = Linter::new(Settings::default());
    let chosen = SHAPES.iter().filter(|shape| {
        filters.is_empty()
            || filters
                .iter()
                .any(|f| shape.name.contains(f.as_str()) || shape.file_name.contains(f.as_str()))
    });
    for shape in chosen {
        for &mb in &sizes {
            let text = (shape.make)((mb * 1_000_000.0) as usize);
            let kb = text.len() as f64 / 1000.0;
            let source = SourceFile::new(shape.file_name, shape.kind, text);
            let parse = time(|| {
                black_box(ParsedFile::parse(source.clone()));
            });
            let lint = time(|| {
                black_box(linter.lint_sources(vec![source.clone()]));
            });
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "{:<14} {:<24} {:>7.1} {:>11.1} {:>9.2} {:>11.1} {:>9.2}",
                shape.file_name,
                shape.name,
                kb / 1000.0,
                ms(parse),
                ms(parse) * 1000.0 / kb,
                ms(lint),
                ms(lint) * 1000.0 / kb
            );
            if per_rule {
                let mut timings: Vec<(Duration, &str)> = RULES
                    .iter()
                    .map(|meta| {
                        let linter = Linter::new(Settings::with_rules(RuleSet::only(meta.code)));
                        let took = time(|| {
                            black_box(linter.lint_sources(vec![source.clone()]));
                        });
                        (took, meta.code.as_str())
                    })
                    .collect();
                timings.sort_by_key(|t| std::cmp::Reverse(t.0));
                let slowest: Vec<String> = timings
                    .iter()
                    .take(3)
                    .map(|(took, code)| format!("{code} {:.1} ms", ms(*took)))
                    .collect();
                println!(
                    "{:<14} {:<24} slowest alone: {}",
                    "",
                    "",
                    slowest.join(", ")
                );
            }
        }
    }
}
