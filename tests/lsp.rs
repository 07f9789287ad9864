//! `deploylint lsp` as a process: framed JSON-RPC over its real stdin and stdout.

#![cfg(all(feature = "cli", feature = "lsp"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

fn spawn() -> Child {
    Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start deploylint lsp")
}

fn send(stdin: &mut ChildStdin, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    stdin.flush().expect("flush");
}

/// Reads messages on a thread so a silent server fails the test instead of hanging it.
fn reader(stdout: ChildStdout) -> mpsc::Receiver<Value> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(value) = line.strip_prefix("Content-Length: ") {
                    length = value.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(message) = serde_json::from_slice(&body)
                && sender.send(message).is_err()
            {
                return;
            }
        }
    });
    receiver
}

fn next(messages: &mpsc::Receiver<Value>, wanted: impl Fn(&Value) -> bool) -> Value {
    loop {
        let message = messages
            .recv_timeout(Duration::from_secs(30))
            .expect("a message within 30 s");
        if wanted(&message) {
            return message;
        }
    }
}

fn wait(child: &mut Child) -> i32 {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the server did not exit");
}

#[test]
fn a_session_over_stdio_ends_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Dockerfile");
    let uri = format!("file://{}", path.display());
    let mut child = spawn();
    let mut stdin = child.stdin.take().expect("stdin");
    let messages = reader(child.stdout.take().expect("stdout"));
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": { "processId": null, "rootUri": null, "capabilities": {} } }),
    );
    let initialized = next(&messages, |m| m["id"] == 1);
    assert_eq!(initialized["result"]["serverInfo"]["name"], "deploylint");
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    );
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
            "uri": uri, "languageId": "dockerfile", "version": 1,
            "text": "FROM python:3.12-slim\nRUNN pip install fastapi\n" } } }),
    );
    let published = next(&messages, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
    });
    let syntax = published["params"]["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == "DF000"))
        .expect("DF000");
    assert_eq!(
        syntax["range"]["start"],
        json!({ "line": 1, "character": 0 })
    );
    assert_eq!(published["params"]["version"], 1);
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
    );
    let shutdown = next(&messages, |m| m["id"] == 2);
    assert_eq!(shutdown["result"], Value::Null);
    send(&mut stdin, &json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert_eq!(wait(&mut child), 0);
}

#[test]
fn a_corrupt_stream_ends_the_server_without_a_panic() {
    let mut child = spawn();
    let mut stdin = child.stdin.take().expect("stdin");
    let _messages = reader(child.stdout.take().expect("stdout"));
    stdin
        .write_all(b"Content-Length: 5\r\n\r\n{nope")
        .expect("write");
    drop(stdin);
    assert_eq!(wait(&mut child), 1);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}
