//! DF015: see rules/dockerfile/DF015-expose-port-mismatch.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::ValueSource;
use crate::parse::dockerfile::InstructionKind;
use crate::project::DockerfileModel;
use crate::span::{Span, Spanned};

/// The server listens on a port the image does not expose.
struct ExposePortMismatch {
    /// The port the server listens on.
    port: u16,
    /// The exposed ports, as written.
    exposed: Vec<String>,
}

impl Violation for ExposePortMismatch {
    const CODE: RuleCode = RuleCode::DF015;

    fn message(&self) -> String {
        let exposed = self
            .exposed
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "the server listens on port {} but the image exposes {exposed}: whatever reads the \
             exposed ports (`docker run -P`, platforms that route to them, generated \
             manifests) sends traffic to a port nothing listens on",
            self.port
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "make them agree: `EXPOSE {}`, or change the server's port to the exposed one",
            self.port
        ))
    }
}

/// An `EXPOSE` entry: `8000`, `8000/tcp`, `8000-8010`, `53/udp`.
enum Exposed {
    /// A TCP port range (one port: start = end).
    Tcp(u16, u16),
    /// Another protocol (`53/udp`): exposed, never the server's TCP port.
    OtherProtocol,
    /// A `$`-templated entry, or one that is not a port: the exposed ports are unknown.
    Unknown,
}

fn parse_exposed(entry: &Spanned<String>) -> Exposed {
    let text = entry.value.trim();
    if text.contains('$') {
        return Exposed::Unknown;
    }
    let (ports, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
    let (low, high) = ports.split_once('-').unwrap_or((ports, ports));
    match (low.parse::<u16>(), high.parse::<u16>()) {
        (Ok(low), Ok(high)) if low <= high => {
            if protocol.eq_ignore_ascii_case("tcp") {
                Exposed::Tcp(low, high)
            } else {
                Exposed::OtherProtocol
            }
        }
        _ => Exposed::Unknown,
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let mut exposes: Vec<(Span, &Spanned<String>)> = Vec::new();
    for (_, instruction) in model.image_instructions() {
        if let InstructionKind::Expose(entries) = &instruction.kind {
            exposes.extend(entries.iter().map(|e| (instruction.args_span, e)));
        }
    }
    let mut ranges = Vec::new();
    for (_, entry) in &exposes {
        match parse_exposed(entry) {
            Exposed::Tcp(low, high) => ranges.push((low, high)),
            Exposed::OtherProtocol => {}
            Exposed::Unknown => return,
        }
    }
    if exposes.is_empty() {
        return;
    }
    let Some(invocation) = model.start().and_then(|s| s.invocation()) else {
        return;
    };
    // Every explicit port must be a literal number; any exposed one is a match.
    let mut first: Option<(u16, Span)> = None;
    for port in invocation.binds.iter().filter_map(|b| b.port()) {
        if port.source != ValueSource::Literal {
            return;
        }
        let Ok(number) = port.text.trim().parse::<u16>() else {
            return;
        };
        if ranges
            .iter()
            .any(|(low, high)| (*low..=*high).contains(&number))
        {
            return;
        }
        first.get_or_insert((number, port.span));
    }
    let Some((port, span)) = first else {
        return;
    };
    let file = cx.file();
    let mut report = cx.report(
        ExposePortMismatch {
            port,
            exposed: exposes.iter().map(|(_, e)| e.value.clone()).collect(),
        },
        span,
    );
    if let Some(file) = file {
        let mut labelled: Vec<Span> = Vec::new();
        for (instruction_span, _) in &exposes {
            if !labelled.contains(instruction_span) {
                labelled.push(*instruction_span);
                report = report.label(file, *instruction_span, "exposed here");
            }
        }
    }
}
