//! The language server (`deploylint lsp`, feature `lsp`): a thin shim that speaks the
//! Language Server Protocol over standard input and output and turns editor events into
//! [`Workspace`] calls. It holds no lint logic: it converts (see [`convert`]).
//!
//! - Documents are synchronised in full; their unsaved text is what is linted.
//! - Each document belongs to the [`Workspace`] of its project: the directory
//!   [`crate::workspace::project_dir`] finds (configuration or `.git`, else the
//!   document's own directory), as for `deploylint check --in-project`. (Never the client's
//!   workspace folder: editors fall back to the current directory, which may be a home
//!   directory.) A change re-lints the whole project and republishes the diagnostics of
//!   every open document in it, so a cross-file finding follows an edit in another file.
//!   Bursts of changes are linted once, when the client pauses.
//! - Hover on a finding (or on a rule code in a suppression comment) shows the rule's
//!   documentation; code actions offer "Suppress CODE on this line".
//! - A failure while handling one message is logged to standard error (and answered with
//!   an error for a request); the server goes on.

pub mod convert;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, Hover, HoverContents, HoverParams,
    HoverProviderCapability, MarkupContent, MarkupKind, MessageType, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkspaceEdit,
};
use serde_json::Value;

use crate::config::{CONFIG_FILE_NAMES, Settings, absolute};
use crate::span::{LineIndex, Span};
use crate::workspace::{self, ActionKind, Workspace};

/// How long the server waits for the client to pause before linting after a change.
const DEBOUNCE: Duration = Duration::from_millis(60);

/// Runs the server on standard input and output until the client says `exit`.
///
/// # Errors
/// A protocol error (the client hung up, or never initialised), or `exit` without a
/// `shutdown` first.
pub fn run_stdio() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let outcome = serve(&connection);
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    outcome
}

/// Runs the server over `connection` (stdio, a socket, or an in-memory pair in tests):
/// the initialize handshake, then every message until `exit`.
///
/// # Errors
/// As [`run_stdio`].
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, _params) = connection
        .initialize_start()
        .map_err(|e| format!("no `initialize` request from the client ({e})"))?;
    let capabilities = capabilities();
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "deploylint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server::new(connection);
    server.run()
}

/// What the server can do.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// An open document: the URI the client named it by (echoed back verbatim) and its
/// version.
struct OpenDocument {
    uri: Uri,
    version: Option<i32>,
    /// The key of its workspace in [`Server::workspaces`].
    workspace: PathBuf,
}

struct Server<'c> {
    connection: &'c Connection,
    /// Workspaces by key: the project directory, or for a detached one the directory of
    /// its documents.
    workspaces: BTreeMap<PathBuf, Workspace>,
    documents: HashMap<PathBuf, OpenDocument>,
    /// Workspaces whose documents need their diagnostics published again.
    stale: BTreeSet<PathBuf>,
    shutdown_requested: bool,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection) -> Self {
        Server {
            connection,
            workspaces: BTreeMap::new(),
            documents: HashMap::new(),
            stale: BTreeSet::new(),
            shutdown_requested: false,
        }
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            let message = if self.stale.is_empty() {
                match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Err("the client disconnected without `exit`".into()),
                }
            } else {
                match self.connection.receiver.recv_timeout(DEBOUNCE) {
                    Ok(message) => message,
                    Err(crossbeam_timeout) if crossbeam_timeout.is_timeout() => {
                        self.guarded("publishing diagnostics", Server::publish_stale);
                        continue;
                    }
                    Err(_) => return Err("the client disconnected without `exit`".into()),
                }
            };
            match message {
                Message::Request(request) => {
                    if request.method == "shutdown" {
                        self.shutdown_requested = true;
                        self.respond(Response::new_ok(request.id, ()));
                        continue;
                    }
                    if self.shutdown_requested {
                        self.respond(Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        ));
                        continue;
                    }
                    self.request(request);
                }
                Message::Notification(notification) => {
                    if notification.method == "exit" {
                        return if self.shutdown_requested {
                            Ok(())
                        } else {
                            Err("`exit` without `shutdown`".into())
                        };
                    }
                    let method = notification.method.clone();
                    self.guarded(&method, |server| server.notification(notification));
                }
                Message::Response(_) => {}
            }
        }
    }

    /// Runs `f`, logging a panic instead of ending the server.
    fn guarded(&mut self, what: &str, f: impl FnOnce(&mut Self)) {
        if catch_unwind(AssertUnwindSafe(|| f(self))).is_err() {
            log(&format!("internal error while handling {what}; continuing"));
        }
    }

    fn respond(&self, response: Response) {
        if self.connection.sender.send(response.into()).is_err() {
            log("cannot send a response: the client is gone");
        }
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let notification = Notification::new(method.to_string(), params);
        if self.connection.sender.send(notification.into()).is_err() {
            log("cannot send a notification: the client is gone");
        }
    }

    fn request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        let outcome = catch_unwind(AssertUnwindSafe(|| match method.as_str() {
            "textDocument/hover" => serde_json::from_value::<HoverParams>(params)
                .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or(Value::Null)),
            "textDocument/codeAction" => serde_json::from_value::<CodeActionParams>(params)
                .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or(Value::Null)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("deploylint does not handle `{method}`"),
            )),
        }));
        let response = match outcome {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err((code, message))) => {
                if !matches!(code, ErrorCode::MethodNotFound) {
                    log(&format!("{method}: {message}"));
                }
                Response::new_err(id, code as i32, message)
            }
            Err(_) => {
                log(&format!(
                    "internal error while handling {method}; continuing"
                ));
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error while handling {method}"),
                )
            }
        };
        self.respond(response);
    }

    fn notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        let outcome = match method.as_str() {
            "textDocument/didOpen" => {
                serde_json::from_value(params).map(|p: DidOpenTextDocumentParams| {
                    let document = p.text_document;
                    self.open(document.uri, Some(document.version), document.text);
                })
            }
            "textDocument/didChange" => {
                serde_json::from_value(params).map(|p: DidChangeTextDocumentParams| self.change(p))
            }
            "textDocument/didSave" => serde_json::from_value(params)
                .map(|p: DidSaveTextDocumentParams| self.saved(&p.text_document.uri)),
            "textDocument/didClose" => serde_json::from_value(params)
                .map(|p: DidCloseTextDocumentParams| self.close(&p.text_document.uri)),
            _ => Ok(()),
        };
        if let Err(error) = outcome {
            log(&format!("{method}: bad parameters: {error}"));
        }
    }

    /// The key of the workspace for `path`, creating the workspace if needed.
    fn workspace_for(&mut self, path: &Path) -> PathBuf {
        let root = workspace::project_dir(path);
        let key = root
            .clone()
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        if !self.workspaces.contains_key(&key) {
            let settings = match workspace::settings_for(path) {
                Ok(settings) => settings,
                Err(error) => {
                    let message = format!("deploylint: {error}; linting with the default settings");
                    log(&message);
                    self.notify(
                        "window/showMessage",
                        ShowMessageParams {
                            typ: MessageType::WARNING,
                            message,
                        },
                    );
                    Settings::default()
                }
            };
            let workspace = match root {
                Some(root) => Workspace::open(root, settings),
                None => Workspace::detached(settings),
            };
            self.workspaces.insert(key.clone(), workspace);
        }
        key
    }

    fn open(&mut self, uri: Uri, version: Option<i32>, text: String) {
        let Some(path) = convert::uri_to_path(&uri).map(|p| absolute(&p)) else {
            log(&format!("ignoring {}: not a local file", uri.as_str()));
            return;
        };
        let key = self.workspace_for(&path);
        if let Some(workspace) = self.workspaces.get_mut(&key) {
            workspace.set_document(&path, text);
        }
        self.stale.insert(key.clone());
        self.documents.insert(
            path,
            OpenDocument {
                uri,
                version,
                workspace: key,
            },
        );
    }

    fn change(&mut self, params: DidChangeTextDocumentParams) {
        let Some(path) = convert::uri_to_path(&params.text_document.uri).map(|p| absolute(&p))
        else {
            return;
        };
        let Some(document) = self.documents.get_mut(&path) else {
            log(&format!(
                "change to {} before it was opened",
                path.display()
            ));
            return;
        };
        document.version = Some(params.text_document.version);
        let key = document.workspace.clone();
        let Some(workspace) = self.workspaces.get_mut(&key) else {
            return;
        };
        let mut text = workspace.document(&path).unwrap_or_default().to_string();
        for change in params.content_changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    // Clients may send ranges even when full sync was asked for.
                    let index = LineIndex::new(&text);
                    let start =
                        index.offset_of_utf16(&text, range.start.line, range.start.character);
                    let end = index.offset_of_utf16(&text, range.end.line, range.end.character);
                    let span = Span::new(start.min(end), start.max(end));
                    if text.is_char_boundary(span.start as usize)
                        && text.is_char_boundary(span.end as usize)
                    {
                        text.replace_range(span.range(), &change.text);
                    }
                }
            }
        }
        workspace.set_document(&path, text);
        self.stale.insert(key);
    }

    fn saved(&mut self, uri: &Uri) {
        let Some(path) = convert::uri_to_path(uri).map(|p| absolute(&p)) else {
            return;
        };
        let is_config = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|name| CONFIG_FILE_NAMES.contains(&name));
        if is_config {
            self.reload_settings();
            return;
        }
        // Other files may have changed on disk with it (a formatter, a checkout).
        if let Some(key) = self.documents.get(&path).map(|d| d.workspace.clone()) {
            if let Some(workspace) = self.workspaces.get_mut(&key) {
                workspace.invalidate();
            }
            self.stale.insert(key);
        } else {
            for (key, workspace) in &mut self.workspaces {
                if workspace.contains(&path) {
                    workspace.invalidate();
                    self.stale.insert(key.clone());
                }
            }
        }
    }

    /// A configuration file was saved: rebuild every workspace with fresh settings and
    /// its open documents.
    fn reload_settings(&mut self) {
        let mut texts: Vec<(PathBuf, String)> = Vec::new();
        for workspace in self.workspaces.values() {
            for path in workspace.documents() {
                if let Some(text) = workspace.document(path) {
                    texts.push((path.to_path_buf(), text.to_string()));
                }
            }
        }
        let stale_keys: Vec<PathBuf> = self.workspaces.keys().cloned().collect();
        self.workspaces.clear();
        for (path, text) in texts {
            let key = self.workspace_for(&path);
            if let Some(workspace) = self.workspaces.get_mut(&key) {
                workspace.set_document(&path, text);
            }
            if let Some(document) = self.documents.get_mut(&path) {
                document.workspace = key.clone();
            }
            self.stale.insert(key);
        }
        // Workspaces that no longer exist have nothing left to publish.
        self.stale
            .retain(|key| self.workspaces.contains_key(key) || !stale_keys.contains(key));
    }

    fn close(&mut self, uri: &Uri) {
        let Some(path) = convert::uri_to_path(uri).map(|p| absolute(&p)) else {
            return;
        };
        let Some(document) = self.documents.remove(&path) else {
            return;
        };
        let key = document.workspace;
        let now_empty = match self.workspaces.get_mut(&key) {
            Some(workspace) => {
                workspace.close_document(&path);
                workspace.documents().next().is_none()
            }
            None => true,
        };
        if now_empty {
            self.workspaces.remove(&key);
            self.stale.remove(&key);
        } else {
            self.stale.insert(key);
        }
        self.notify(
            "textDocument/publishDiagnostics",
            PublishDiagnosticsParams {
                uri: document.uri,
                diagnostics: Vec::new(),
                version: None,
            },
        );
    }

    /// Lints every stale workspace and publishes the diagnostics of each of its open
    /// documents.
    fn publish_stale(&mut self) {
        let stale = std::mem::take(&mut self.stale);
        for key in stale {
            let Some(workspace) = self.workspaces.get_mut(&key) else {
                continue;
            };
            let report = workspace.report();
            for (path, document) in &self.documents {
                if document.workspace != key {
                    continue;
                }
                let diagnostics = match report.file(path) {
                    Some(file) => report
                        .diagnostics
                        .iter()
                        .filter(|d| d.path() == path)
                        .map(|d| convert::diagnostic(d, file, report))
                        .collect(),
                    None => Vec::new(),
                };
                let params = PublishDiagnosticsParams {
                    uri: document.uri.clone(),
                    diagnostics,
                    version: document.version,
                };
                let notification =
                    Notification::new("textDocument/publishDiagnostics".to_string(), params);
                if self.connection.sender.send(notification.into()).is_err() {
                    log("cannot publish diagnostics: the client is gone");
                }
            }
        }
    }

    fn workspace_of(&mut self, uri: &Uri) -> Option<(PathBuf, &mut Workspace)> {
        let path = absolute(&convert::uri_to_path(uri)?);
        let key = self.documents.get(&path)?.workspace.clone();
        let workspace = self.workspaces.get_mut(&key)?;
        Some((path, workspace))
    }

    fn hover(&mut self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let (path, workspace) = self.workspace_of(&at.text_document.uri)?;
        let offset = convert::offset(workspace.source(&path)?, at.position);
        let (hovered, codes) = workspace.rules_at(&path, offset)?;
        let report = workspace.report();
        let file = report.file(&path)?;
        let value = codes
            .iter()
            .map(|code| {
                let meta = code.meta();
                format!("**{}** `{}`\n\n{}", meta.code, meta.name, meta.docs.trim())
            })
            .collect::<Vec<_>>()
            .join("\n\n---\n\n");
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(convert::range(file, hovered)),
        })
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = params.text_document.uri.clone();
        let Some((path, workspace)) = self.workspace_of(&uri) else {
            return Vec::new();
        };
        let Some(span) = workspace
            .source(&path)
            .map(|file| convert::span(file, params.range))
        else {
            return Vec::new();
        };
        let actions = workspace.actions(&path, span);
        let report = workspace.report();
        let Some(file) = report.file(&path) else {
            return Vec::new();
        };
        actions
            .into_iter()
            .map(|action| {
                let edits = action
                    .edits
                    .iter()
                    .map(|edit| TextEdit {
                        range: convert::range(file, edit.span),
                        new_text: edit.replacement.clone(),
                    })
                    .collect();
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: action.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![convert::diagnostic(&action.diagnostic, file, report)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(std::iter::once((uri.clone(), edits)).collect()),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(action.kind != ActionKind::Suppress),
                    ..CodeAction::default()
                })
            })
            .collect()
    }
}

fn log(message: &str) {
    eprintln!("deploylint lsp: {message}");
}

#[cfg(test)]
mod tests;
