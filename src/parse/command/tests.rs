use super::*;
use crate::parse::shell::{self, Script};

/// The span of the `nth` occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle present");
    Span::from_range(start..start + needle.len())
}

/// Parses `text` as one shell command line and reads its server invocation.
fn invoke(text: &str) -> Invocation {
    let script = shell::parse_str(text, 0);
    let found = find_server(&script).expect("a server");
    found.invocation
}

fn literal(text: &str, span: Span) -> Value {
    Value {
        text: text.to_string(),
        span,
        source: ValueSource::Literal,
    }
}

fn kinds(invocation: &Invocation) -> Vec<WrapperKind> {
    invocation.wrappers.iter().map(|w| w.kind).collect()
}

#[test]
fn gunicorn_with_env_templated_values() {
    let text =
        "gunicorn -k uvicorn.workers.UvicornWorker -w ${WORKERS:-4} -b 0.0.0.0:$PORT app.main:app";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::Gunicorn, at(text, "gunicorn", 0))
    );
    assert_eq!(
        inv.worker_class,
        Some(literal(
            "uvicorn.workers.UvicornWorker",
            at(text, "uvicorn.workers.UvicornWorker", 0)
        ))
    );
    let workers = inv.workers.as_ref().expect("workers");
    assert_eq!(workers.span, at(text, "${WORKERS:-4}", 0));
    assert_eq!(
        workers.source,
        ValueSource::Env {
            var: "WORKERS".into(),
            default: Some("4".into())
        }
    );
    assert_eq!(workers.effective_u64(), Some(4));
    assert_eq!(inv.binds.len(), 1);
    let bind = &inv.binds[0];
    assert_eq!(bind.span, at(text, "-b 0.0.0.0:$PORT", 0));
    assert_eq!(
        bind.host(),
        Some(&literal("0.0.0.0", at(text, "0.0.0.0", 0)))
    );
    let port = bind.port().expect("port");
    assert_eq!(port.span, at(text, "$PORT", 0));
    assert_eq!(port.env_var(), Some("PORT"));
    assert_eq!(port.effective(), None);
    assert_eq!(
        inv.app,
        Some(literal("app.main:app", at(text, "app.main:app", 0)))
    );
    assert!(inv.unknown_flags.is_empty());
    assert_eq!(inv.flags.len(), 3);
    assert_eq!(inv.span, Span::new(0, text.len() as u32));
    assert!(!inv.via_exec());
}

#[test]
fn python_m_uvicorn_with_host_and_reload() {
    let text = "python -m uvicorn app:app --host 127.0.0.1 --reload";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::Uvicorn, at(text, "python -m uvicorn", 0))
    );
    let python = inv.python.as_ref().expect("python");
    assert_eq!(python.interpreter.value, "python");
    assert_eq!(
        python.module.as_ref().map(|m| m.text.as_str()),
        Some("uvicorn")
    );
    assert_eq!(
        inv.app.as_ref().map(|a| a.span),
        Some(at(text, "app:app", 0))
    );
    assert_eq!(inv.reload, Some(at(text, "--reload", 0)));
    let host = inv.binds[0].host().expect("host");
    assert_eq!(host, &literal("127.0.0.1", at(text, "127.0.0.1", 0)));
    assert_eq!(classify_host(host), HostClass::Loopback);
    assert_eq!(inv.binds[0].port(), None);
    assert_eq!(inv.binds[0].span, at(text, "--host 127.0.0.1", 0));
}

#[test]
fn tini_then_sh_c_with_migration_and_exec() {
    let text = r#"tini -- sh -c "alembic upgrade head && exec uvicorn app:app""#;
    let inv = invoke(text);
    assert_eq!(inv.server.value, Server::Uvicorn);
    assert_eq!(inv.server.span, at(text, "uvicorn", 0));
    assert_eq!(
        kinds(&inv),
        [WrapperKind::Tini, WrapperKind::Shell, WrapperKind::Exec]
    );
    assert_eq!(inv.wrappers[0].span, at(text, "tini --", 0));
    assert_eq!(inv.wrappers[1].span, at(text, "sh -c", 0));
    assert!(inv.via_exec());
    let shell = inv.shell.as_ref().expect("sh -c");
    assert_eq!(shell.shell.value, "sh");
    assert!(shell.server_is_last);
    assert_eq!(shell.script_span, Span::new(14, text.len() as u32));
    assert_eq!(shell.other_commands.len(), 1);
    assert_eq!(shell.other_commands[0].name(), Some("alembic"));
    assert_eq!(
        shell.other_commands[0].span,
        at(text, "alembic upgrade head", 0)
    );
    assert_eq!(
        inv.app.as_ref().map(|a| a.span),
        Some(at(text, "app:app", 0))
    );
    assert_eq!(inv.span, Span::new(0, text.len() as u32));
}

#[test]
fn opentelemetry_instrument_flags_take_values() {
    let text =
        "opentelemetry-instrument --traces_exporter otlp --service_name=api uvicorn main:app";
    let inv = invoke(text);
    assert_eq!(inv.server.value, Server::Uvicorn);
    assert_eq!(kinds(&inv), [WrapperKind::OpenTelemetryInstrument]);
    assert_eq!(
        inv.wrappers[0].span,
        at(
            text,
            "opentelemetry-instrument --traces_exporter otlp --service_name=api",
            0
        )
    );
    assert_eq!(inv.app.as_ref().map(|a| a.text.as_str()), Some("main:app"));
}

#[test]
fn fastapi_dev_implies_reload() {
    let text = "fastapi dev";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::FastApiDev, Span::new(0, 11))
    );
    assert_eq!(inv.reload, Some(Span::new(8, 11)));
    assert!(inv.server.value.is_dev_server());
    assert_eq!(inv.app, None);
    assert_eq!(inv.server.value.default_host(), Some("127.0.0.1"));
}

#[test]
fn fastapi_dev_no_reload() {
    let inv = invoke("fastapi dev main.py --no-reload");
    assert_eq!(inv.reload, None);
    assert_eq!(inv.app.as_ref().map(|a| a.text.as_str()), Some("main.py"));
}

#[test]
fn fastapi_run_with_path_host_port() {
    let text = "fastapi run app/main.py --host 0.0.0.0 --port 80 --workers 4 --proxy-headers";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::FastApiRun, at(text, "fastapi run", 0))
    );
    assert_eq!(
        inv.app.as_ref().map(|a| a.span),
        Some(at(text, "app/main.py", 0))
    );
    assert_eq!(inv.binds[0].span, at(text, "--host 0.0.0.0 --port 80", 0));
    assert_eq!(inv.binds[0].port().and_then(Value::effective_u64), Some(80));
    assert_eq!(inv.workers.as_ref().map(|w| w.text.as_str()), Some("4"));
    assert_eq!(
        inv.proxy_headers,
        Some(Spanned::new(true, at(text, "--proxy-headers", 0)))
    );
    assert_eq!(inv.reload, None);
}

#[test]
fn fastapi_other_subcommands_start_nothing() {
    assert_eq!(parse_invocation(&words("fastapi --version")), None);
    assert_eq!(parse_invocation(&words("fastapi deploy")), None);
}

/// Exec-form words written at offset 0 of `["a", "b"]`-like text.
fn exec_form(text: &str, elements: &[&str]) -> Vec<Word> {
    elements
        .iter()
        .map(|e| {
            let quoted = format!("\"{e}\"");
            Word::literal(*e, at(text, &quoted, 0))
        })
        .collect()
}

/// Words of a plain command line.
fn words(text: &str) -> Vec<Word> {
    shell::parse_str(text, 0).commands.remove(0).words
}

#[test]
fn exec_form_words_keep_spans_and_stay_literal() {
    let text = r#"["uvicorn", "app.main:app", "--port=$PORT", "--host", "0.0.0.0"]"#;
    let argv = exec_form(
        text,
        &[
            "uvicorn",
            "app.main:app",
            "--port=$PORT",
            "--host",
            "0.0.0.0",
        ],
    );
    let inv = parse_invocation(&argv).expect("uvicorn");
    assert_eq!(inv.server.span, at(text, "\"uvicorn\"", 0));
    assert_eq!(
        inv.app.as_ref().map(|a| a.span),
        Some(at(text, "\"app.main:app\"", 0))
    );
    let port = inv.binds[0].port().expect("port");
    // Exec form does not expand variables: the server receives `$PORT` as is.
    assert_eq!(port, &literal("$PORT", at(text, "$PORT", 0)));
    assert_eq!(inv.flags[0].name.span, at(text, "--port", 0));
    let host = inv.binds[0].host().expect("host");
    assert_eq!(host.span, at(text, "\"0.0.0.0\"", 0));
    assert_eq!(classify_host(host), HostClass::AllInterfaces);
}

#[test]
fn exec_form_sh_c_maps_into_the_string() {
    let text = r#"["/bin/sh", "-c", "exec gunicorn -b :8000 app:app"]"#;
    let argv = exec_form(text, &["/bin/sh", "-c", "exec gunicorn -b :8000 app:app"]);
    let inv = parse_invocation(&argv).expect("gunicorn");
    assert_eq!(inv.server.span, at(text, "gunicorn", 0));
    assert!(inv.via_exec());
    assert_eq!(
        inv.binds[0].port().map(|p| p.span),
        Some(at(text, "8000", 0))
    );
    assert_eq!(inv.binds[0].host().map(|h| h.text.as_str()), Some(""));
}

#[test]
fn gunicorn_attached_and_equals_forms() {
    let text = "gunicorn -b0.0.0.0:80 --bind=[::]:8000 --bind unix:/run/app.sock -b fd://3 -w4 --workers=8 -t 30 app:app";
    let inv = invoke(text);
    assert_eq!(inv.binds.len(), 4);
    assert_eq!(
        inv.binds[0].host().map(|h| h.span),
        Some(at(text, "0.0.0.0", 0))
    );
    assert_eq!(inv.binds[0].port().map(|p| p.text.as_str()), Some("80"));
    assert_eq!(inv.binds[1].host().map(|h| h.text.as_str()), Some("[::]"));
    assert_eq!(
        inv.binds[1].port().map(|p| p.span),
        Some(at(text, "8000", 0))
    );
    assert_eq!(
        inv.binds[2].address,
        BindAddress::Unix(literal("/run/app.sock", at(text, "/run/app.sock", 0)))
    );
    assert_eq!(
        inv.binds[3].address,
        BindAddress::Fd(literal("3", Span::new(73, 74)))
    );
    // The last `--workers` wins.
    assert_eq!(inv.workers, Some(literal("8", Span::new(89, 90))));
    assert_eq!(
        inv.flag(&["-w"])
            .and_then(|f| f.value.as_ref())
            .map(|v| v.span),
        Some(Span::new(77, 78))
    );
    assert_eq!(inv.timeout.as_ref().map(|t| t.text.as_str()), Some("30"));
}

#[test]
fn gunicorn_settings_flags() {
    let text = "gunicorn -c python:conf.gunicorn --preload --threads 2 --graceful-timeout 30 --keep-alive 5 --chdir /app --forwarded-allow-ips='*' --max-requests 1000 --max-requests-jitter 50 --access-logfile - --error-logfile /var/log/e.log --worker-tmp-dir /dev/shm --log-level debug app";
    let inv = invoke(text);
    let text_of = |v: &Option<Value>| v.as_ref().map(|v| v.text.clone());
    assert_eq!(text_of(&inv.config), Some("python:conf.gunicorn".into()));
    assert_eq!(inv.preload, Some(at(text, "--preload", 0)));
    assert_eq!(text_of(&inv.threads), Some("2".into()));
    assert_eq!(text_of(&inv.graceful_timeout), Some("30".into()));
    assert_eq!(text_of(&inv.keep_alive), Some("5".into()));
    assert_eq!(text_of(&inv.chdir), Some("/app".into()));
    assert_eq!(text_of(&inv.forwarded_allow_ips), Some("*".into()));
    assert_eq!(
        inv.forwarded_allow_ips.as_ref().map(|v| v.span),
        Some(at(text, "*", 0))
    );
    assert_eq!(text_of(&inv.max_requests), Some("1000".into()));
    assert_eq!(text_of(&inv.max_requests_jitter), Some("50".into()));
    assert_eq!(text_of(&inv.access_logfile), Some("-".into()));
    assert_eq!(text_of(&inv.error_logfile), Some("/var/log/e.log".into()));
    assert_eq!(text_of(&inv.worker_tmp_dir), Some("/dev/shm".into()));
    assert_eq!(text_of(&inv.log_level), Some("debug".into()));
    assert_eq!(inv.debug, None);
    assert_eq!(text_of(&inv.app), Some("app".into()));
    assert!(inv.unknown_flags.is_empty());
}

#[test]
fn unknown_flags_are_kept() {
    let text = "uvicorn --brand-new --other=1 app:app --port 80";
    let inv = invoke(text);
    let unknown: Vec<_> = inv
        .unknown_flags
        .iter()
        .map(|f| f.name.value.as_str())
        .collect();
    assert_eq!(unknown, ["--brand-new", "--other"]);
    assert_eq!(
        inv.unknown_flags[1].value.as_ref().map(|v| v.span),
        Some(at(text, "1", 0))
    );
    assert_eq!(inv.app.as_ref().map(|a| a.text.as_str()), Some("app:app"));
}

#[test]
fn double_dash_ends_options() {
    let inv = invoke("uvicorn --port 80 -- app:app");
    assert_eq!(inv.app.as_ref().map(|a| a.text.as_str()), Some("app:app"));
}

#[test]
fn uvicorn_socket_fd_and_misc() {
    let text = "uvicorn app:create --factory --uds /tmp/u.sock --fd 0 --workers 2 --reload-dir src --timeout-keep-alive 5 --timeout-graceful-shutdown 20 --no-proxy-headers --limit-max-requests 100 --debug";
    let inv = invoke(text);
    assert_eq!(inv.factory, Some(at(text, "--factory", 0)));
    assert_eq!(
        inv.binds
            .iter()
            .map(|b| b.address.clone())
            .collect::<Vec<_>>(),
        [
            BindAddress::Unix(literal("/tmp/u.sock", at(text, "/tmp/u.sock", 0))),
            BindAddress::Fd(literal("0", at(text, "0", 0))),
        ]
    );
    assert_eq!(inv.reload_dirs, [literal("src", at(text, "src", 0))]);
    assert_eq!(inv.reload, None);
    assert_eq!(inv.keep_alive.as_ref().map(|v| v.text.as_str()), Some("5"));
    assert_eq!(
        inv.graceful_timeout.as_ref().map(|v| v.text.as_str()),
        Some("20")
    );
    assert_eq!(inv.proxy_headers.map(|p| p.value), Some(false));
    assert_eq!(
        inv.max_requests.as_ref().map(|v| v.text.as_str()),
        Some("100")
    );
    assert_eq!(inv.debug, Some(at(text, "--debug", 0)));
}

#[test]
fn hypercorn_and_granian_and_daphne() {
    let inv = invoke("hypercorn -b 0.0.0.0:8000 -k uvloop -w 2 --config hypercorn.toml main:app");
    assert_eq!(inv.server.value, Server::Hypercorn);
    assert_eq!(inv.binds[0].port().map(|p| p.text.as_str()), Some("8000"));
    assert_eq!(
        inv.worker_class.as_ref().map(|v| v.text.as_str()),
        Some("uvloop")
    );
    assert_eq!(
        inv.config.as_ref().map(|v| v.text.as_str()),
        Some("hypercorn.toml")
    );

    let text = "granian --interface asgi --host 0.0.0.0 --port 8000 --workers 2 --reload main:app";
    let inv = invoke(text);
    assert_eq!(inv.server.value, Server::Granian);
    assert_eq!(
        inv.interface.as_ref().map(|v| v.text.as_str()),
        Some("asgi")
    );
    assert_eq!(inv.binds[0].span, at(text, "--host 0.0.0.0 --port 8000", 0));
    assert_eq!(inv.reload, Some(at(text, "--reload", 0)));
    assert_eq!(inv.app.as_ref().map(|v| v.text.as_str()), Some("main:app"));

    let inv = invoke("daphne -b 0.0.0.0 -p 8001 proj.asgi:application");
    assert_eq!(inv.server.value, Server::Daphne);
    assert_eq!(
        inv.binds[0].host().map(|v| v.text.as_str()),
        Some("0.0.0.0")
    );
    assert_eq!(inv.binds[0].port().map(|v| v.text.as_str()), Some("8001"));
    assert_eq!(
        inv.app.as_ref().map(|v| v.text.as_str()),
        Some("proj.asgi:application")
    );
}

#[test]
fn python_interpreters_and_paths() {
    for program in [
        "python3",
        "python3.12",
        "/usr/local/bin/python",
        "/app/.venv/bin/python",
    ] {
        let inv = invoke(&format!("{program} -m gunicorn app:app"));
        assert_eq!(inv.server.value, Server::Gunicorn, "{program}");
    }
    let inv = invoke("/app/.venv/bin/uvicorn app:app");
    assert_eq!(inv.server.value, Server::Uvicorn);
    assert_eq!(inv.python, None);
}

#[test]
fn python_script_with_unbuffered() {
    let text = "python -u app/main.py --port 80";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::PythonScript, at(text, "python -u app/main.py", 0))
    );
    let python = inv.python.as_ref().expect("python");
    assert_eq!(python.unbuffered, Some(at(text, "-u", 0)));
    assert_eq!(
        python.script,
        Some(literal("app/main.py", at(text, "app/main.py", 0)))
    );
    let args: Vec<_> = inv.positionals.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(args, ["--port", "80"]);
    assert!(!inv.server.value.is_known());
}

#[test]
fn python_option_clusters() {
    let inv = invoke("python -OuB -X dev -Wignore -muvicorn app:app");
    assert_eq!(inv.server.value, Server::Uvicorn);
    assert!(inv.python.as_ref().is_some_and(|p| p.unbuffered.is_some()));
    assert_eq!(inv.app.as_ref().map(|a| a.text.as_str()), Some("app:app"));
}

#[test]
fn python_without_a_server() {
    for text in [
        "python -c 'import app'",
        "python",
        "python -",
        "python manage.py migrate",
        "alembic upgrade head",
    ] {
        assert_eq!(parse_invocation(&words(text)), None, "{text}");
    }
    let inv = invoke("python -m app.server");
    assert_eq!(inv.server.value, Server::PythonModule);
}

#[test]
fn dev_servers() {
    let text = "flask --app hello run --host=0.0.0.0 --debug";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::FlaskRun, at(text, "flask --app hello run", 0))
    );
    assert_eq!(inv.app.as_ref().map(|a| a.text.as_str()), Some("hello"));
    assert_eq!(inv.debug, Some(at(text, "--debug", 0)));
    assert_eq!(
        inv.binds[0].host().map(|h| h.span),
        Some(at(text, "0.0.0.0", 0))
    );
    assert_eq!(parse_invocation(&words("flask db upgrade")), None);

    let inv = invoke("python3 -m http.server 8080 --bind 127.0.0.1");
    assert_eq!(inv.server.value, Server::HttpServer);
    assert_eq!(inv.binds[0].port().map(|p| p.text.as_str()), Some("8080"));
    assert_eq!(
        inv.binds[0].host().map(|h| h.text.as_str()),
        Some("127.0.0.1")
    );

    let text = "python manage.py runserver 0.0.0.0:8000";
    let inv = invoke(text);
    assert_eq!(
        inv.server,
        Spanned::new(Server::DjangoRunserver, Span::new(0, 26))
    );
    assert_eq!(inv.reload, Some(at(text, "runserver", 0)));
    assert_eq!(
        inv.binds[0].port().map(|p| p.span),
        Some(at(text, "8000", 0))
    );
    let inv = invoke("python manage.py runserver 8000 --noreload");
    assert_eq!(inv.reload, None);
    assert_eq!(inv.binds[0].host(), None);
    assert_eq!(inv.binds[0].port().map(|p| p.text.as_str()), Some("8000"));
}

#[test]
fn package_runner_wrappers() {
    let cases = [
        ("poetry run uvicorn app:app", WrapperKind::PoetryRun),
        (
            "uv run --no-sync --with httpx uvicorn app:app",
            WrapperKind::UvRun,
        ),
        ("uvx --from uvicorn uvicorn app:app", WrapperKind::UvRun),
        ("pipenv run uvicorn app:app", WrapperKind::PipenvRun),
        ("pdm run uvicorn app:app", WrapperKind::PdmRun),
        ("hatch run uvicorn app:app", WrapperKind::HatchRun),
        ("ddtrace-run uvicorn app:app", WrapperKind::DdtraceRun),
        (
            "newrelic-admin run-program uvicorn app:app",
            WrapperKind::NewRelicAdmin,
        ),
        ("dumb-init -- uvicorn app:app", WrapperKind::DumbInit),
        ("/usr/bin/tini -g -- uvicorn app:app", WrapperKind::Tini),
        ("gosu app uvicorn app:app", WrapperKind::Gosu),
        ("su-exec app:app uvicorn app:app", WrapperKind::SuExec),
        (
            "setpriv --reuid=1000 --init-groups uvicorn app:app",
            WrapperKind::Setpriv,
        ),
        ("nohup uvicorn app:app", WrapperKind::Nohup),
        ("exec uvicorn app:app", WrapperKind::Exec),
    ];
    for (text, kind) in cases {
        let inv = parse_invocation(&words(text)).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(inv.server.value, Server::Uvicorn, "{text}");
        assert_eq!(kinds(&inv), [kind], "{text}");
        assert_eq!(
            inv.app.as_ref().map(|a| a.text.as_str()),
            Some("app:app"),
            "{text}"
        );
    }
    assert_eq!(parse_invocation(&words("poetry install")), None);
    assert_eq!(parse_invocation(&words("uv sync")), None);
}

#[test]
fn uv_run_module_and_newrelic_run_python() {
    let inv = invoke("uv run -m uvicorn app:app");
    assert_eq!(inv.server.value, Server::Uvicorn);
    assert_eq!(
        inv.python
            .as_ref()
            .and_then(|p| p.module.as_ref())
            .map(|m| m.text.as_str()),
        Some("uvicorn")
    );
    let inv = invoke("newrelic-admin run-python -u main.py");
    assert_eq!(inv.server.value, Server::PythonScript);
    assert!(inv.python.as_ref().is_some_and(|p| p.unbuffered.is_some()));
}

#[test]
fn env_wrapper_and_prefix_assignments_are_recorded() {
    let text = "PYTHONUNBUFFERED=1 env -u X WEB_CONCURRENCY=4 gunicorn app";
    let inv = invoke(text);
    let env: Vec<_> = inv.env.iter().map(|w| w.as_str()).collect();
    assert_eq!(env, ["PYTHONUNBUFFERED=1", "WEB_CONCURRENCY=4"]);
    assert_eq!(
        inv.env_value("WEB_CONCURRENCY"),
        Some(literal("4", at(text, "4", 0)))
    );
    assert_eq!(inv.span, Span::new(0, text.len() as u32));
    assert_eq!(
        inv.wrappers[0].span,
        at(text, "env -u X WEB_CONCURRENCY=4", 0)
    );
}

#[test]
fn script_level_finder_sees_chained_commands() {
    let text = "#!/bin/sh\nset -e\nalembic upgrade head\nif [ \"$DEBUG\" = 1 ]; then\n  exec uvicorn app:app --reload\nfi\nexec gunicorn -c gunicorn.conf.py app:app\n";
    let script = shell::parse_str(text, 0);
    let found = find_server(&script).expect("server");
    assert_eq!(found.invocation.server.value, Server::Gunicorn);
    assert!(found.invocation.via_exec());
    assert!(found.is_last());
    assert_eq!(
        found.command().span,
        at(text, "exec gunicorn -c gunicorn.conf.py app:app", 0)
    );
    let before: Vec<_> = found.before().iter().filter_map(|c| c.name()).collect();
    assert_eq!(before, ["set", "alembic", "[", "exec"]);
    assert!(found.after().is_empty());
    assert_eq!(find_invocations(&script).len(), 2);
}

#[test]
fn script_finder_without_exec() {
    let script = shell::parse_str("cd /app\nuvicorn main:app --host 0.0.0.0\n", 0);
    let found = find_server(&script).expect("server");
    assert!(!found.invocation.via_exec());
    assert_eq!(found.index, 1);
}

#[test]
fn known_server_preferred_over_python_script() {
    let script = shell::parse_str("python prestart.py && gunicorn app:app; python -m tool", 0);
    let found = find_server(&script).expect("server");
    assert_eq!(found.invocation.server.value, Server::Gunicorn);
    let script = shell::parse_str("python prestart.py; python main.py", 0);
    assert_eq!(find_server(&script).map(|f| f.index), Some(1));
}

#[test]
fn shell_string_without_server_is_none() {
    assert_eq!(parse_invocation(&words("sh -c 'echo hi'")), None);
    assert_eq!(parse_invocation(&words("sh ./docker-entrypoint.sh")), None);
    assert!(find_server(&Script::default()).is_none());
}

#[test]
fn nested_shell_strings_are_bounded() {
    let mut text = "uvicorn app:app".to_string();
    for _ in 0..10 {
        text = format!("sh -c {}", shell_quote(&text));
    }
    assert_eq!(parse_invocation(&words(&text)), None);
    let inv =
        parse_invocation(&words("bash -c \"sh -c 'exec uvicorn app:app'\"")).expect("two levels");
    assert_eq!(inv.server.value, Server::Uvicorn);
    assert_eq!(inv.server.span, Span::new(21, 28));
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn value_sources() {
    let cases = [
        (
            "$PORT",
            ValueSource::Env {
                var: "PORT".into(),
                default: None,
            },
        ),
        (
            "${PORT}",
            ValueSource::Env {
                var: "PORT".into(),
                default: None,
            },
        ),
        (
            "${PORT-80}",
            ValueSource::Env {
                var: "PORT".into(),
                default: Some("80".into()),
            },
        ),
        (
            "${PORT:=80}",
            ValueSource::Env {
                var: "PORT".into(),
                default: Some("80".into()),
            },
        ),
        (
            "${PORT:?unset}",
            ValueSource::Env {
                var: "PORT".into(),
                default: None,
            },
        ),
        ("${PORT:+x}", ValueSource::Dynamic),
        ("$(cat port)", ValueSource::Dynamic),
        ("${A}${B}", ValueSource::Dynamic),
        ("8$X", ValueSource::Dynamic),
        (
            "\"$PORT\"",
            ValueSource::Env {
                var: "PORT".into(),
                default: None,
            },
        ),
        ("'$PORT'", ValueSource::Literal),
        ("\\$PORT", ValueSource::Literal),
    ];
    for (text, source) in cases {
        let word = &words(&format!("x {text}"))[1];
        assert_eq!(Value::from_word(word).source, source, "{text}");
    }
}

#[test]
fn templated_bind_forms() {
    let inv = invoke("gunicorn -b $BIND -b \"${HOST:-0.0.0.0}:${PORT:-8000}\" app");
    assert!(
        matches!(&inv.binds[0].address, BindAddress::Templated(v) if v.env_var() == Some("BIND"))
    );
    let host = inv.binds[1].host().expect("host");
    assert_eq!(host.env_var(), Some("HOST"));
    assert_eq!(host.effective(), Some("0.0.0.0"));
    assert_eq!(classify_host(host), HostClass::Templated);
    assert_eq!(
        inv.binds[1].port().and_then(Value::effective_u64),
        Some(8000)
    );
}

#[test]
fn host_classes() {
    let cases = [
        ("127.0.0.1", HostClass::Loopback),
        ("127.0.1.1", HostClass::Loopback),
        ("localhost", HostClass::Loopback),
        ("::1", HostClass::Loopback),
        ("[::1]", HostClass::Loopback),
        ("0.0.0.0", HostClass::AllInterfaces),
        ("::", HostClass::AllInterfaces),
        ("[::]", HostClass::AllInterfaces),
        ("", HostClass::AllInterfaces),
        ("10.0.0.5", HostClass::Other),
        ("api.internal", HostClass::Other),
        ("$HOST", HostClass::Templated),
    ];
    for (host, class) in cases {
        assert_eq!(classify_host_text(host), class, "{host}");
    }
}

#[test]
fn never_panics_on_odd_argv() {
    for text in [
        "gunicorn -b",
        "gunicorn -w",
        "uvicorn --port",
        "python -m",
        "python -X",
        "tini --",
        "env",
        "env A=1",
        "exec",
        "uv run",
        "uv run -m",
        "poetry run",
        "gosu",
        "newrelic-admin run-python",
        "gunicorn -b [::1",
        "gunicorn -b unix:",
        "gunicorn -b fd://",
        "fastapi",
        "flask",
        "manage.py runserver",
        "gunicorn -é",
        "uvicorn -",
        "python -m django",
        "django-admin runserver [::]:80",
    ] {
        let _ = parse_invocation(&words(text));
    }
}
