use super::*;
use crate::parse::command::Server;

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle present");
    Span::from_range(start..start + needle.len())
}

fn services(text: &str) -> Vec<Service> {
    let parsed = parse(text);
    assert_eq!(parsed.errors, [], "{text}");
    parsed.tree.services
}

fn one(text: &str) -> Service {
    services(text).into_iter().next().expect("a service")
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(Word::as_str).collect()
}

#[test]
fn services_in_order_with_names() {
    let text = "version: '3.8'\nservices:\n  api:\n    image: a:1\n  db:\n    image: postgres:16\n";
    let found = services(text);
    let names: Vec<&str> = found.iter().map(|s| s.name.value.as_str()).collect();
    assert_eq!(names, ["api", "db"]);
    assert_eq!(found[0].name.span, at(text, "api", 0));
    assert_eq!(
        found[1].image.as_ref().map(|i| i.span),
        Some(at(text, "postgres:16", 0))
    );
}

#[test]
fn build_as_string_or_mapping() {
    let service = one("services:\n  api:\n    build: ./api\n");
    let build = service.build.expect("build");
    assert_eq!(build.context.map(|c| c.value), Some("./api".to_string()));
    let text = "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n      target: runtime\n";
    let build = one(text).build.expect("build");
    assert_eq!(build.context.map(|c| c.value), Some(".".to_string()));
    assert_eq!(
        build.dockerfile.map(|d| d.span),
        Some(at(text, "docker/Dockerfile", 0))
    );
    assert_eq!(build.target.map(|t| t.value), Some("runtime".to_string()));
}

#[test]
fn string_command_is_split_with_spans() {
    let text = "services:\n  api:\n    command: uvicorn app:app --port \"8000\" --reload\n";
    let command = one(text).command.expect("command");
    assert_eq!(command.form, CommandForm::String);
    assert_eq!(
        texts(&command.words),
        ["uvicorn", "app:app", "--port", "8000", "--reload"]
    );
    assert_eq!(command.words[4].span, at(text, "--reload", 0));
    assert_eq!(command.words[3].span, at(text, "\"8000\"", 0));
}

#[test]
fn quoted_string_command_maps_inside_the_quotes() {
    let text = "services:\n  api:\n    command: \"gunicorn app:app --reload\"\n";
    let command = one(text).command.expect("command");
    assert_eq!(texts(&command.words), ["gunicorn", "app:app", "--reload"]);
    assert_eq!(command.words[2].span, at(text, "--reload", 0));
}

#[test]
fn list_command_and_entrypoint() {
    let text = "services:\n  api:\n    entrypoint: [\"tini\", \"--\"]\n    command:\n      - uvicorn\n      - app:app\n      - --workers\n      - \"4\"\n";
    let service = one(text);
    let command = service.command.as_ref().expect("command");
    assert_eq!(command.form, CommandForm::List);
    assert_eq!(
        texts(&command.words),
        ["uvicorn", "app:app", "--workers", "4"]
    );
    assert_eq!(command.words[3].span, at(text, "\"4\"", 0));
    assert_eq!(
        texts(&service.argv()),
        ["tini", "--", "uvicorn", "app:app", "--workers", "4"]
    );
    let invocation = service.invocation().expect("uvicorn");
    assert_eq!(invocation.server.value, Server::Uvicorn);
    assert_eq!(invocation.workers.and_then(|w| w.effective_u64()), Some(4));
}

#[test]
fn interpolation_in_string_commands_is_templated() {
    let text = "services:\n  api:\n    command: gunicorn app:app -w ${WORKERS:-2}\n";
    let invocation = one(text).invocation().expect("gunicorn");
    let workers = invocation.workers.expect("workers");
    assert!(workers.is_templated());
    assert_eq!(workers.effective_u64(), Some(2));
    let text = "services:\n  api:\n    command: [\"gunicorn\", \"a:b\", \"--bind\", \"0.0.0.0:${PORT}\"]\n";
    let invocation = one(text).invocation().expect("gunicorn");
    let port = invocation.binds[0].port().expect("port").clone();
    assert!(port.is_templated());
    assert_eq!(port.span, at(text, "${PORT}", 0));
}

#[test]
fn environment_as_map() {
    let text =
        "services:\n  api:\n    environment:\n      A: \"1\"\n      B:\n      C: two words\n";
    let env = one(text).environment;
    assert_eq!(env.len(), 3);
    assert_eq!(env[0].name.value, "A");
    assert_eq!(
        env[0].value.as_ref().map(|v| v.span),
        Some(at(text, "\"1\"", 0))
    );
    assert_eq!(env[1].value, None);
    assert_eq!(
        env[2].value.as_ref().map(|v| v.value.as_str()),
        Some("two words")
    );
}

#[test]
fn environment_as_list() {
    let text = "services:\n  api:\n    environment:\n      - A=1\n      - PASS_THROUGH\n      - \"B=x=y\"\n";
    let service = one(text);
    let env = &service.environment;
    assert_eq!(env[0].name.span, at(text, "A", 0));
    assert_eq!(
        env[0].value.as_ref().map(|v| v.span),
        Some(at(text, "1", 0))
    );
    assert_eq!(env[1].name.value, "PASS_THROUGH");
    assert_eq!(env[1].value, None);
    assert_eq!(env[2].value.as_ref().map(|v| v.value.as_str()), Some("x=y"));
    assert_eq!(
        env[2].value.as_ref().map(|v| v.span),
        Some(at(text, "x=y", 0))
    );
    assert_eq!(
        service
            .env_value("A")
            .and_then(|e| e.value.clone())
            .map(|v| v.value),
        Some("1".into())
    );
}

#[test]
fn env_file_string_list_and_objects() {
    let single = one("services:\n  api:\n    env_file: .env\n").env_files;
    assert_eq!(single.len(), 1);
    assert!(single[0].required);
    let text = "services:\n  api:\n    env_file:\n      - common.env\n      - path: local.env\n        required: false\n";
    let files = one(text).env_files;
    let paths: Vec<(&str, bool)> = files
        .iter()
        .map(|f| (f.path.value.as_str(), f.required))
        .collect();
    assert_eq!(paths, [("common.env", true), ("local.env", false)]);
}

#[test]
fn ports_short_and_long_syntax() {
    let text = "services:\n  api:\n    ports:\n      - \"127.0.0.1:8000:80/tcp\"\n      - 9000:9000\n      - \"3000\"\n      - \"[::1]:5000:5000\"\n      - target: 8080\n        published: \"18080\"\n        host_ip: 0.0.0.0\n";
    let ports = one(text).ports;
    assert_eq!(ports.len(), 5);
    let first = &ports[0];
    assert_eq!(
        first.host_ip.as_ref().map(|h| h.span),
        Some(at(text, "127.0.0.1", 0))
    );
    assert_eq!(
        first.published.as_ref().map(|p| p.value.as_str()),
        Some("8000")
    );
    assert_eq!(
        first.target.as_ref().map(|p| p.span),
        Some(at(text, "80", 1))
    );
    assert_eq!(
        first.protocol.as_ref().map(|p| p.value.as_str()),
        Some("tcp")
    );
    assert_eq!(
        ports[1].published.as_ref().map(|p| p.value.as_str()),
        Some("9000")
    );
    assert_eq!(ports[2].published, None);
    assert_eq!(
        ports[2].target.as_ref().map(|p| p.value.as_str()),
        Some("3000")
    );
    assert_eq!(
        ports[3].host_ip.as_ref().map(|p| p.value.as_str()),
        Some("[::1]")
    );
    assert_eq!(
        ports[3].target.as_ref().map(|p| p.value.as_str()),
        Some("5000")
    );
    assert_eq!(
        ports[4].published.as_ref().map(|p| p.value.as_str()),
        Some("18080")
    );
    assert_eq!(
        ports[4].target.as_ref().map(|p| p.value.as_str()),
        Some("8080")
    );
}

#[test]
fn healthcheck() {
    let text = "services:\n  api:\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n      interval: 10s\n      retries: 3\n";
    let check = one(text).healthcheck.expect("healthcheck");
    assert_eq!(check.test.len(), 4);
    assert!(!check.disabled);
    assert_eq!(check.interval.map(|i| i.value), Some("10s".to_string()));
    assert_eq!(check.retries.map(|r| r.value), Some(3));
    let disabled = one("services:\n  api:\n    healthcheck:\n      disable: true\n")
        .healthcheck
        .expect("healthcheck");
    assert!(disabled.disabled);
}

#[test]
fn replicas_depends_on_and_profiles() {
    let text = "services:\n  api:\n    deploy:\n      replicas: 3\n    depends_on:\n      db:\n        condition: service_healthy\n    profiles: [prod]\n  web:\n    depends_on: [api]\n";
    let found = services(text);
    assert_eq!(found[0].replicas.as_ref().map(|r| r.value), Some(3));
    assert_eq!(
        found[0].replicas.as_ref().map(|r| r.span),
        Some(at(text, "3", 0))
    );
    let deps: Vec<&str> = found[0]
        .depends_on
        .iter()
        .map(|d| d.value.as_str())
        .collect();
    assert_eq!(deps, ["db"]);
    assert_eq!(found[0].profiles[0].value, "prod");
    assert_eq!(found[1].depends_on[0].value, "api");
}

#[test]
fn anchors_and_merge_keys() {
    let text = "x-env: &env\n  A: \"1\"\nservices:\n  api:\n    environment:\n      <<: *env\n      B: \"2\"\n";
    let env = one(text).environment;
    let names: Vec<&str> = env.iter().map(|e| e.name.value.as_str()).collect();
    assert_eq!(names, ["B", "A"]);
}

#[test]
fn yaml_errors_are_kept_and_the_tree_is_partial() {
    let parsed = parse("services:\n  api:\n    image: a\n    image: b\n");
    assert_eq!(parsed.errors.len(), 1);
    assert!(parsed.errors[0].message.contains("duplicate key"));
    let parsed = parse("services: [\n");
    assert_eq!(parsed.tree.services, []);
    assert!(!parsed.errors.is_empty());
}

#[test]
fn wrong_types_are_ignored() {
    let text = "services:\n  api:\n    command: {a: b}\n    environment: 3\n    ports: 80\n    build: [x]\n  bad: 3\n";
    let found = services(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].command, None);
    assert_eq!(found[0].environment, []);
    assert_eq!(found[0].ports, []);
    assert_eq!(found[0].build, None);
}

#[test]
fn dev_and_override_files() {
    for name in [
        "compose.override.yaml",
        "docker-compose.override.yml",
        "docker-compose.dev.yml",
        "compose-development.yaml",
        "docker-compose.local.yml",
        "compose.test.yaml",
        "devcompose.yaml",
    ] {
        assert!(is_dev_compose_file(Path::new(name)), "{name}");
    }
    for name in [
        "compose.yaml",
        "docker-compose.yml",
        "compose.prod.yaml",
        "docker-compose.staging.yml",
    ] {
        assert!(!is_dev_compose_file(Path::new(name)), "{name}");
    }
}
