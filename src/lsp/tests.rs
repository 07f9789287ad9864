//! The server driven in memory by a scripted client: what an editor sends, what it gets.

use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

use super::convert::path_to_uri;
use super::serve;

struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
}

impl Client {
    fn start(root: Option<&Path>) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || serve(&server_side));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            pending: Vec::new(),
        };
        let root_uri = root.and_then(path_to_uri).map(|u| u.as_str().to_string());
        let result = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }),
        );
        assert_eq!(result["serverInfo"]["name"], "deploylint");
        assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 1);
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .expect("send notification");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_outcome(method, params)
            .expect("request succeeds")
    }

    fn request_outcome(&mut self, method: &str, params: Value) -> Result<Value, i32> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .expect("send request");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    return response.response_result.map_err(|error| error.code);
                }
                Message::Notification(notification) => self.pending.push(notification),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("a message from the server within 20 s")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(index) = self.pending.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
            }) {
                let notification = self.pending.remove(index);
                return notification.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            assert!(Instant::now() < deadline, "no diagnostics for {uri}");
            match self.receive() {
                Message::Notification(notification) => self.pending.push(notification),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "dockerfile", "version": 1, "text": text } }),
        );
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [ { "text": text } ] }),
        );
    }

    fn finish(mut self) -> Result<(), String> {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .expect("server running")
            .join()
            .expect("server thread")
    }
}

fn project() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    let uri = |name: &str| {
        path_to_uri(&dir.path().join(name))
            .expect("uri")
            .as_str()
            .to_string()
    };
    let dockerfile = uri("Dockerfile");
    (dir, dockerfile)
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

fn find<'d>(diagnostics: &'d [Value], code: &str) -> Option<&'d Value> {
    diagnostics.iter().find(|d| d["code"] == code)
}

const BROKEN: &str = "FROM python:3.12-slim\nRUNN pip install fastapi\n";
const FIXED: &str = "FROM python:3.12-slim\nRUN pip install fastapi\n";

#[test]
fn unsaved_text_is_linted_on_open_and_change() {
    let (dir, uri) = project();
    let mut client = Client::start(Some(dir.path()));
    client.open(&uri, BROKEN);
    let published = client.diagnostics(&uri);
    let syntax = find(&published, "DF000").expect("DF000 published");
    assert_eq!(
        syntax["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 4 } })
    );
    assert_eq!(syntax["severity"], 1);
    assert_eq!(syntax["source"], "deploylint");
    client.change(&uri, 2, FIXED);
    let published = client.diagnostics(&uri);
    assert!(find(&published, "DF000").is_none(), "{published:?}");
    assert!(!dir.path().join("Dockerfile").exists());
    client.finish().expect("clean exit");
}

#[test]
fn a_change_in_one_file_republishes_the_others_of_the_project() {
    let (dir, uri) = project();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
    )
    .expect("write");
    let mut client = Client::start(None);
    client.open(&uri, "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n");
    assert!(codes(&client.diagnostics(&uri)).contains(&"DI001"));
    let ignore = path_to_uri(&dir.path().join(".dockerignore")).expect("uri");
    client.open(ignore.as_str(), ".env\n.git\n");
    // The Dockerfile's context is now filtered by the unsaved .dockerignore.
    let republished = client.diagnostics(&uri);
    assert!(!codes(&republished).contains(&"DI001"), "{republished:?}");
    client.diagnostics(ignore.as_str());
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": ignore.as_str() } }),
    );
    assert!(client.diagnostics(ignore.as_str()).is_empty());
    assert!(codes(&client.diagnostics(&uri)).contains(&"DI001"));
    client.finish().expect("clean exit");
}

#[test]
fn hover_shows_the_rule_documentation() {
    let (dir, uri) = project();
    let mut client = Client::start(Some(dir.path()));
    client.open(&uri, BROKEN);
    client.diagnostics(&uri);
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 2 } }),
    );
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.starts_with("**DF000** `dockerfile-syntax`"), "{text}");
    assert!(text.contains("## What it does"));
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 1, "character": 0 })
    );
    // Nothing to say about a line without findings.
    let nothing = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } }),
    );
    assert_eq!(nothing, Value::Null);
    // A rule code in a suppression comment.
    client.change(&uri, 2, "# deploylint: ignore[DF000]\nRUNN x\n");
    client.diagnostics(&uri);
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 23 } }),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|t| t.starts_with("**DF000**"))
    );
    client.finish().expect("clean exit");
}

#[test]
fn code_actions_suppress_on_the_line() {
    let (dir, uri) = project();
    let mut client = Client::start(Some(dir.path()));
    client.open(&uri, "FROM python:3.12-slim\n  RUNN pip install fastapi\n");
    client.diagnostics(&uri);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 1, "character": 3 }, "end": { "line": 1, "character": 3 } },
            "context": { "diagnostics": [] }
        }),
    );
    let action = actions
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|a| a["title"] == "Suppress DF000 on this line")
        })
        .expect("suppression action");
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(
        action["edit"]["changes"][uri.as_str()],
        json!([{
            "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } },
            "newText": "  # deploylint: ignore[DF000]\n"
        }])
    );
    assert_eq!(action["diagnostics"][0]["code"], "DF000");
    client.finish().expect("clean exit");
}

#[test]
fn bad_input_never_stops_the_server() {
    let (dir, uri) = project();
    let mut client = Client::start(Some(dir.path()));
    client.notify("textDocument/didOpen", json!({ "textDocument": 5 }));
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [ { "text": "x" } ] }),
    );
    client.open("untitled:Untitled-1", "RUNN x\n");
    client.notify("$/unknownNotification", json!({}));
    assert_eq!(
        client.request_outcome("workspace/unknown", json!({})),
        Err(lsp_server::ErrorCode::MethodNotFound as i32)
    );
    assert_eq!(
        client.request_outcome("textDocument/hover", json!({ "nonsense": true })),
        Err(lsp_server::ErrorCode::InvalidParams as i32)
    );
    // Hover on a document never opened: no answer, no error.
    assert_eq!(
        client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } }),
        ),
        Value::Null
    );
    // Binary garbage and positions past the end are handled.
    client.open(&uri, "\u{0}\u{1}RUNN \u{feff}😀\n\\\n");
    client.diagnostics(&uri);
    assert_eq!(
        client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 99, "character": 99 } }),
        ),
        Value::Null
    );
    client.open(&uri, BROKEN);
    assert!(codes(&client.diagnostics(&uri)).contains(&"DF000"));
    client.finish().expect("clean exit");
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let mut client = Client::start(None);
    client.notify("exit", Value::Null);
    let outcome = client
        .server
        .take()
        .expect("server")
        .join()
        .expect("thread");
    assert!(outcome.is_err());
}

#[test]
fn a_file_outside_any_repository_is_linted_with_its_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".dockerignore"), ".env\n.git\n").expect("write");
    let uri = path_to_uri(&dir.path().join("Dockerfile")).expect("uri");
    let mut client = Client::start(None);
    client.open(
        uri.as_str(),
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
    );
    // The .dockerignore on disk beside it filters the context: no DI001.
    let published = client.diagnostics(uri.as_str());
    assert!(!codes(&published).contains(&"DI001"), "{published:?}");
    client.finish().expect("clean exit");
}
