//! A static evaluator for module-level Python, with provenance. Nothing is executed.
//!
//! Configuration files compute values: `workers = int(os.getenv("WEB_CONCURRENCY", 2))`,
//! `bind = f"0.0.0.0:{port}"`, `workers = multiprocessing.cpu_count() * 2 + 1`. The evaluator
//! folds what can be known without running anything (literals, arithmetic, f-strings,
//! `str()`/`int()`/`float()`/`bool()`, names assigned earlier) and records where each value
//! came from: its span, the environment variable that can override it at run time (the value
//! is then the default the file falls back to), and whether it was assigned under an
//! `if`/`try`/loop (so it may not hold). The CPU count stays symbolic, as `factor * n +
//! offset`, so a `2n+1` formula is recognisable whatever way it is written.

use std::collections::HashMap;

use ruff_python_ast::{
    BoolOp, CmpOp, ConversionFlag, Expr, FStringPart, InterpolatedStringElement, Number, Operator,
    Stmt, UnaryOp,
};

use super::syntax::{PythonModule, span_of};
use crate::span::Span;

/// How deep the evaluator follows nested expressions before giving up with
/// [`Value::Unknown`].
const MAX_EVAL_DEPTH: usize = 64;

/// How deep the module walk follows nested `if`/`try`/`for` blocks.
const MAX_BLOCK_DEPTH: usize = 64;

/// The longest string the evaluator builds (longer results become [`Value::Unknown`]).
const MAX_STRING_LEN: usize = 64 * 1024;

/// How deeply containers may nest inside a value (`[[[...]]]`, or lists built from names
/// bound to lists); deeper ones become [`Value::Unknown`], so every walk over a value is
/// shallow.
const MAX_VALUE_DEPTH: usize = 32;

/// Work units one module's evaluation may spend (an element copied, 16 bytes of string
/// copied or rendered); past it values become [`Value::Unknown`]. Real configuration files
/// use a few hundred; the cap keeps crafted files (a big dict referenced thousands of times)
/// linear.
const EVAL_BUDGET: u64 = 1 << 20;

/// The most one value may cost; bigger ones become [`Value::Unknown`].
const MAX_VALUE_COST: u64 = 1 << 16;

/// A statically known Python value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list (or set) display, each element with its own provenance.
    List(Vec<Evaluated>),
    /// A tuple.
    Tuple(Vec<Evaluated>),
    /// A dict display, key and value each with their provenance.
    Dict(Vec<(Evaluated, Evaluated)>),
    /// `factor * n + offset`, where `n` is the machine's CPU count
    /// (`multiprocessing.cpu_count()`, `os.cpu_count()`), kept symbolic.
    CpuFormula {
        /// How many times the CPU count is taken.
        factor: i64,
        /// What is added to it.
        offset: i64,
    },
    /// An imported or module-level object named by its qualified name
    /// (`uvicorn.workers.UvicornWorker`, `os.environ`); relative imports keep their dots.
    Reference(String),
    /// A function defined in the file (`def post_fork(...)`), or `<lambda>`.
    Function(String),
    /// A class defined in the file.
    Class(String),
    /// Not statically known.
    Unknown,
}

impl Value {
    /// The integer, if this is one (a bool is not).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(value) => Some(*value),
            _ => None,
        }
    }

    /// The number as a float, for ints and floats.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Int(value) => Some(*value as f64),
            Value::Float(value) => Some(*value),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(value) => Some(value),
            _ => None,
        }
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// `(factor, offset)` when the value is `factor * cpu_count + offset`.
    pub fn cpu_formula(&self) -> Option<(i64, i64)> {
        match self {
            Value::CpuFormula { factor, offset } => Some((*factor, *offset)),
            _ => None,
        }
    }

    /// Whether the value is the classic `2 * cpu_count + 1`.
    pub fn is_two_n_plus_one(&self) -> bool {
        self.cpu_formula() == Some((2, 1))
    }

    /// Whether anything is known about the value.
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    /// Python truthiness, when it can be told.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::None => Some(false),
            Value::Bool(value) => Some(*value),
            Value::Int(value) => Some(*value != 0),
            Value::Float(value) => Some(*value != 0.0),
            Value::Str(value) => Some(!value.is_empty()),
            Value::List(items) | Value::Tuple(items) => Some(!items.is_empty()),
            Value::Dict(items) => Some(!items.is_empty()),
            Value::CpuFormula { factor, offset } => (*factor > 0 && *offset >= 0).then_some(true),
            Value::Reference(_) | Value::Function(_) | Value::Class(_) => Some(true),
            Value::Unknown => None,
        }
    }

    /// `str(value)` as Python prints it, for the values whose text is certain.
    pub fn python_str(&self) -> Option<String> {
        match self {
            Value::Str(value) => Some(value.clone()),
            other => other.python_repr(),
        }
    }

    /// `repr(value)`, for the values whose text is certain.
    pub fn python_repr(&self) -> Option<String> {
        match self {
            Value::None => Some("None".into()),
            Value::Bool(true) => Some("True".into()),
            Value::Bool(false) => Some("False".into()),
            Value::Int(value) => Some(value.to_string()),
            Value::Float(value) => float_repr(*value),
            Value::Str(value) => Some(string_repr(value)),
            Value::List(items) => sequence_repr(items, "[", "]"),
            Value::Tuple(items) if items.len() == 1 => sequence_repr(items, "(", ",)"),
            Value::Tuple(items) => sequence_repr(items, "(", ")"),
            Value::Dict(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for (key, value) in items {
                    parts.push(format!(
                        "{}: {}",
                        key.value.python_repr()?,
                        value.value.python_repr()?
                    ));
                }
                Some(format!("{{{}}}", parts.join(", ")))
            }
            Value::CpuFormula { .. }
            | Value::Reference(_)
            | Value::Function(_)
            | Value::Class(_)
            | Value::Unknown => None,
        }
    }
}

fn sequence_repr(items: &[Evaluated], open: &str, close: &str) -> Option<String> {
    let parts: Option<Vec<String>> = items.iter().map(|item| item.value.python_repr()).collect();
    Some(format!("{open}{}{close}", parts?.join(", ")))
}

/// Python's `repr` of a float, for the common shapes (`1.0`, `0.5`, `1e+20`, `inf`).
fn float_repr(value: f64) -> Option<String> {
    if value.is_nan() {
        return Some("nan".into());
    }
    if value.is_infinite() {
        return Some(if value > 0.0 { "inf" } else { "-inf" }.into());
    }
    if value.fract() == 0.0 && value.abs() < 1e16 {
        return Some(format!("{value:.1}"));
    }
    let text = format!("{value}");
    (value.abs() >= 1e-4 && value.abs() < 1e16 && !text.contains('e')).then_some(text)
}

/// Python's `repr` of a string: single quotes unless the text holds one and no double quote.
fn string_repr(value: &str) -> String {
    let quote = if value.contains('\'') && !value.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(value.len() + 2);
    out.push(quote);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A value with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// What is known about the value (for an env-overridable value: the default).
    pub value: Value,
    /// The expression it was computed from.
    pub span: Span,
    /// The environment variable that replaces the value at run time when set
    /// (`os.getenv("WEB_CONCURRENCY", 2)` → `WEB_CONCURRENCY`).
    pub env_override: Option<String>,
    /// Whether the value was assigned under `if`/`try`/a loop/`match`, or derived from such a
    /// value, so it may not hold at run time.
    pub conditional: bool,
}

impl Evaluated {
    /// A value with no environment override, unconditional.
    pub fn new(value: Value, span: Span) -> Self {
        Evaluated {
            value,
            span,
            env_override: None,
            conditional: false,
        }
    }

    /// An unknown value at `span`.
    pub fn unknown(span: Span) -> Self {
        Evaluated::new(Value::Unknown, span)
    }

    /// Whether an environment variable can replace the value.
    pub fn is_env_overridable(&self) -> bool {
        self.env_override.is_some()
    }

    /// Takes over the provenance (env override, conditional) of the operands it was
    /// computed from.
    pub(super) fn inherit<'a>(mut self, sources: impl IntoIterator<Item = &'a Evaluated>) -> Self {
        for source in sources {
            if self.env_override.is_none() {
                self.env_override.clone_from(&source.env_override);
            }
            self.conditional |= source.conditional;
        }
        self
    }
}

/// How a module-level name got bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingKind {
    /// `name = ...`, `name: T = ...`, or a target of a tuple assignment.
    Assignment,
    /// `name += ...` and the other augmented assignments.
    AugmentedAssignment,
    /// `import x`, `from x import y`.
    Import,
    /// `def name(...)` (sync or async).
    Function,
    /// `class Name: ...`.
    Class,
    /// A `for` target, `with ... as name`, `except ... as name`, walrus.
    Other,
}

/// One binding of a module-level name.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The name bound.
    pub name: String,
    /// Where the name is written in the binding statement.
    pub name_span: Span,
    /// How it was bound.
    pub kind: BindingKind,
    /// The value it was bound to, with provenance.
    pub value: Evaluated,
}

/// The module-level names of a file, evaluated statically in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Namespace {
    history: Vec<Binding>,
    current: HashMap<String, usize>,
    first_seen: Vec<String>,
    /// Work already spent evaluating this module (see [`EVAL_BUDGET`]).
    spent: std::cell::Cell<u64>,
}

impl Namespace {
    /// The last binding of `name` in the file, if any.
    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.current
            .get(name)
            .and_then(|&index| self.history.get(index))
    }

    /// The final binding of every name, in the order the names first appear.
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.first_seen.iter().filter_map(|name| self.get(name))
    }

    /// Every binding, in source order (a name bound twice appears twice).
    pub fn history(&self) -> &[Binding] {
        &self.history
    }

    fn bind(&mut self, binding: Binding) {
        if !self.current.contains_key(&binding.name) {
            self.first_seen.push(binding.name.clone());
        }
        self.current
            .insert(binding.name.clone(), self.history.len());
        self.history.push(binding);
    }
}

/// Evaluates the module-level statements of `module` in source order.
pub fn evaluate_module(module: &PythonModule) -> Namespace {
    let mut namespace = Namespace::default();
    bind_block(&mut namespace, module.body(), false, 0);
    namespace
}

/// Binds the names of a block of statements; `conditional` when the block may not run.
pub(super) fn bind_block(
    namespace: &mut Namespace,
    statements: &[Stmt],
    conditional: bool,
    depth: usize,
) {
    if depth > MAX_BLOCK_DEPTH {
        return;
    }
    for statement in statements {
        bind_statement(namespace, statement, conditional, depth);
    }
}

fn bind_statement(namespace: &mut Namespace, statement: &Stmt, conditional: bool, depth: usize) {
    let mark = |mut evaluated: Evaluated| {
        evaluated.conditional |= conditional;
        evaluated
    };
    match statement {
        Stmt::Assign(assign) => {
            let value = mark(Evaluator::new(namespace).eval(&assign.value));
            for (index, target) in assign.targets.iter().enumerate() {
                // Each extra target (`a = b = value`) is another copy to pay for.
                let copy = if index == 0 {
                    value.clone()
                } else {
                    Evaluator::new(namespace).affordable(value.clone())
                };
                bind_target(namespace, target, copy, BindingKind::Assignment);
            }
        }
        Stmt::AnnAssign(assign) => {
            if let Some(value) = &assign.value {
                let value = mark(Evaluator::new(namespace).eval(value));
                bind_target(namespace, &assign.target, value, BindingKind::Assignment);
            }
        }
        Stmt::AugAssign(assign) => {
            let Expr::Name(name) = assign.target.as_ref() else {
                return;
            };
            let evaluator = Evaluator::new(namespace);
            let previous = evaluator.eval(&assign.target);
            let right = evaluator.eval(&assign.value);
            let span = span_of(assign);
            let value = mark(binary(assign.op, &previous, &right, span));
            namespace.bind(Binding {
                name: name.id.to_string(),
                name_span: span_of(name),
                kind: BindingKind::AugmentedAssignment,
                value,
            });
        }
        Stmt::Import(import) => {
            for alias in &import.names {
                let full = alias.name.as_str();
                let (bound, target) = match &alias.asname {
                    Some(asname) => (asname, full.to_string()),
                    None => (
                        &alias.name,
                        full.split('.').next().unwrap_or(full).to_string(),
                    ),
                };
                let bound_name = match &alias.asname {
                    Some(_) => bound.as_str().to_string(),
                    None => target.clone(),
                };
                namespace.bind(Binding {
                    name: bound_name,
                    name_span: span_of(bound),
                    kind: BindingKind::Import,
                    value: mark(Evaluated::new(Value::Reference(target), span_of(alias))),
                });
            }
        }
        Stmt::ImportFrom(import) => {
            let module = format!(
                "{}{}",
                ".".repeat(usize::try_from(import.level).unwrap_or(0)),
                import.module.as_ref().map_or("", |module| module.as_str())
            );
            for alias in &import.names {
                if alias.name.as_str() == "*" {
                    continue;
                }
                let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                let qualified = if module.ends_with('.') || module.is_empty() {
                    format!("{module}{}", alias.name.as_str())
                } else {
                    format!("{module}.{}", alias.name.as_str())
                };
                namespace.bind(Binding {
                    name: bound.as_str().to_string(),
                    name_span: span_of(bound),
                    kind: BindingKind::Import,
                    value: mark(Evaluated::new(Value::Reference(qualified), span_of(alias))),
                });
            }
        }
        Stmt::FunctionDef(function) => namespace.bind(Binding {
            name: function.name.as_str().to_string(),
            name_span: span_of(&function.name),
            kind: BindingKind::Function,
            value: mark(Evaluated::new(
                Value::Function(function.name.as_str().to_string()),
                span_of(function),
            )),
        }),
        Stmt::ClassDef(class) => namespace.bind(Binding {
            name: class.name.as_str().to_string(),
            name_span: span_of(&class.name),
            kind: BindingKind::Class,
            value: mark(Evaluated::new(
                Value::Class(class.name.as_str().to_string()),
                span_of(class),
            )),
        }),
        Stmt::If(branch) => {
            bind_block(namespace, &branch.body, true, depth + 1);
            for clause in &branch.elif_else_clauses {
                bind_block(namespace, &clause.body, true, depth + 1);
            }
        }
        Stmt::Try(attempt) => {
            bind_block(namespace, &attempt.body, true, depth + 1);
            for handler in &attempt.handlers {
                let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                if let Some(name) = &handler.name {
                    namespace.bind(Binding {
                        name: name.as_str().to_string(),
                        name_span: span_of(name),
                        kind: BindingKind::Other,
                        value: mark(Evaluated::unknown(span_of(name))),
                    });
                }
                bind_block(namespace, &handler.body, true, depth + 1);
            }
            bind_block(namespace, &attempt.orelse, true, depth + 1);
            bind_block(namespace, &attempt.finalbody, conditional, depth + 1);
        }
        Stmt::For(each) => {
            let mut target = Evaluated::unknown(span_of(each.target.as_ref()));
            target.conditional = true;
            bind_target(namespace, &each.target, target, BindingKind::Other);
            bind_block(namespace, &each.body, true, depth + 1);
            bind_block(namespace, &each.orelse, true, depth + 1);
        }
        Stmt::While(each) => {
            bind_block(namespace, &each.body, true, depth + 1);
            bind_block(namespace, &each.orelse, true, depth + 1);
        }
        Stmt::With(with) => {
            for item in &with.items {
                if let Some(target) = &item.optional_vars {
                    let value = mark(Evaluated::unknown(span_of(target.as_ref())));
                    bind_target(namespace, target, value, BindingKind::Other);
                }
            }
            bind_block(namespace, &with.body, conditional, depth + 1);
        }
        Stmt::Match(choice) => {
            for case in &choice.cases {
                bind_block(namespace, &case.body, true, depth + 1);
            }
        }
        _ => {}
    }
}

/// Binds an assignment target: a name, or a tuple/list unpacking a same-length tuple/list.
fn bind_target(namespace: &mut Namespace, target: &Expr, value: Evaluated, kind: BindingKind) {
    match target {
        Expr::Name(name) => namespace.bind(Binding {
            name: name.id.to_string(),
            name_span: span_of(name),
            kind,
            value,
        }),
        Expr::Tuple(ruff_python_ast::ExprTuple { elts, .. })
        | Expr::List(ruff_python_ast::ExprList { elts, .. }) => {
            let parts = match &value.value {
                Value::Tuple(items) | Value::List(items) if items.len() == elts.len() => {
                    Some(items.clone())
                }
                _ => None,
            };
            for (index, element) in elts.iter().enumerate() {
                let part = match parts.as_ref().and_then(|parts| parts.get(index)) {
                    Some(part) => part.clone().inherit([&value]),
                    None => Evaluated::unknown(span_of(element)).inherit([&value]),
                };
                bind_target(namespace, element, part, kind);
            }
        }
        _ => {}
    }
}

/// The cost of copying `value` (`Ok`), or, when it nests deeper than [`MAX_VALUE_DEPTH`]
/// or costs more than `limit`, the work spent finding out (`Err`). Stops early, so
/// measuring costs at most `limit` steps.
fn measure(value: &Value, depth: usize, limit: u64) -> Result<u64, u64> {
    if depth > MAX_VALUE_DEPTH || limit == 0 {
        return Err(1);
    }
    let mut cost: u64 = 1;
    let mut add_child = |child: &Value| -> Result<(), u64> {
        let Some(remaining) = limit.checked_sub(cost) else {
            return Err(cost);
        };
        match measure(child, depth + 1, remaining) {
            Ok(more) => {
                cost = cost.saturating_add(more);
                Ok(())
            }
            Err(work) => Err(cost.saturating_add(work)),
        }
    };
    match value {
        Value::Str(text) | Value::Reference(text) | Value::Function(text) | Value::Class(text) => {
            cost = cost.saturating_add(text.len() as u64 / 16);
        }
        Value::List(items) | Value::Tuple(items) => {
            for item in items {
                add_child(&item.value)?;
            }
        }
        Value::Dict(items) => {
            for (key, item) in items {
                add_child(&key.value)?;
                add_child(&item.value)?;
            }
        }
        _ => {}
    }
    if cost <= limit { Ok(cost) } else { Err(cost) }
}

/// Evaluates expressions against the names bound so far.
pub(super) struct Evaluator<'n> {
    namespace: &'n Namespace,
}

impl<'n> Evaluator<'n> {
    /// An evaluator reading names from `namespace`.
    pub(super) fn new(namespace: &'n Namespace) -> Self {
        Evaluator { namespace }
    }

    /// The value of `expr`, with provenance.
    pub(super) fn eval(&self, expr: &Expr) -> Evaluated {
        self.eval_at(expr, 0)
    }

    /// Charges the cost of copying `value` to the module's budget; `false` (and nothing
    /// charged) when the value is too deep or the budget cannot pay for it.
    fn afford(&self, value: &Value) -> bool {
        let spent = self.namespace.spent.get();
        let limit = EVAL_BUDGET.saturating_sub(spent).min(MAX_VALUE_COST);
        let (cost, affordable) = match measure(value, 0, limit) {
            Ok(cost) => (cost, true),
            // The work of a failed measure is paid for too.
            Err(work) => (work, false),
        };
        self.namespace.spent.set(spent.saturating_add(cost));
        affordable
    }

    /// `evaluated`, or an unknown value at its span when copying it is not affordable.
    fn affordable(&self, evaluated: Evaluated) -> Evaluated {
        if self.afford(&evaluated.value) {
            evaluated
        } else {
            let mut unknown = Evaluated::unknown(evaluated.span);
            unknown.env_override = evaluated.env_override;
            unknown.conditional = evaluated.conditional;
            unknown
        }
    }

    /// The dotted name an expression refers to, resolved through imports:
    /// `environ.get` after `from os import environ` is `os.environ.get`.
    pub(super) fn qualified_name(&self, expr: &Expr) -> Option<String> {
        self.qualified_name_at(expr, 0)
    }

    fn qualified_name_at(&self, expr: &Expr, depth: usize) -> Option<String> {
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        match expr {
            Expr::Name(name) => match self.namespace.get(name.id.as_str()) {
                Some(binding) => match &binding.value.value {
                    Value::Reference(target) => Some(target.clone()),
                    Value::Function(_) | Value::Class(_) => Some(name.id.to_string()),
                    _ => None,
                },
                None => Some(name.id.to_string()),
            },
            Expr::Attribute(attribute) => {
                let base = self.qualified_name_at(&attribute.value, depth + 1)?;
                Some(format!("{base}.{}", attribute.attr.as_str()))
            }
            _ => None,
        }
    }

    fn eval_at(&self, expr: &Expr, depth: usize) -> Evaluated {
        let span = span_of(expr);
        if depth > MAX_EVAL_DEPTH {
            return Evaluated::unknown(span);
        }
        let depth = depth + 1;
        match expr {
            Expr::NoneLiteral(_) => Evaluated::new(Value::None, span),
            Expr::BooleanLiteral(literal) => Evaluated::new(Value::Bool(literal.value), span),
            Expr::NumberLiteral(number) => Evaluated::new(
                match &number.value {
                    Number::Int(int) => int.as_i64().map_or(Value::Unknown, Value::Int),
                    Number::Float(value) => Value::Float(*value),
                    Number::Complex { .. } => Value::Unknown,
                },
                span,
            ),
            Expr::StringLiteral(literal) => {
                Evaluated::new(Value::Str(literal.value.to_str().to_string()), span)
            }
            Expr::FString(fstring) => self.eval_fstring(fstring, span, depth),
            Expr::List(list) => self.eval_sequence(&list.elts, span, depth, Value::List),
            Expr::Set(set) => self.eval_sequence(&set.elts, span, depth, Value::List),
            Expr::Tuple(tuple) => self.eval_sequence(&tuple.elts, span, depth, Value::Tuple),
            Expr::Dict(dict) => {
                let mut items = Vec::with_capacity(dict.items.len());
                for item in &dict.items {
                    let Some(key) = &item.key else {
                        return Evaluated::unknown(span);
                    };
                    items.push((self.eval_at(key, depth), self.eval_at(&item.value, depth)));
                }
                self.affordable(Evaluated::new(Value::Dict(items), span))
            }
            Expr::Name(name) => match self.namespace.get(name.id.as_str()) {
                Some(binding) if self.afford(&binding.value.value) => {
                    let mut value = binding.value.clone();
                    value.span = span;
                    value
                }
                Some(binding) => {
                    let mut value = Evaluated::unknown(span);
                    value.env_override.clone_from(&binding.value.env_override);
                    value.conditional = binding.value.conditional;
                    value
                }
                None => Evaluated::unknown(span),
            },
            Expr::Attribute(_) => match self.qualified_name_at(expr, depth) {
                Some(name) => Evaluated::new(Value::Reference(name), span),
                None => Evaluated::unknown(span),
            },
            Expr::BinOp(operation) => {
                let left = self.eval_at(&operation.left, depth);
                let right = self.eval_at(&operation.right, depth);
                self.affordable(binary(operation.op, &left, &right, span))
            }
            Expr::UnaryOp(operation) => {
                let operand = self.eval_at(&operation.operand, depth);
                unary(operation.op, &operand, span)
            }
            Expr::BoolOp(operation) => self.eval_bool_op(operation, span, depth),
            Expr::Compare(compare) => self.eval_compare(compare, span, depth),
            Expr::If(choice) => {
                let test = self.eval_at(&choice.test, depth);
                match test.value.truthy() {
                    Some(true) => self.eval_at(&choice.body, depth).inherit([&test]),
                    Some(false) => self.eval_at(&choice.orelse, depth).inherit([&test]),
                    None => Evaluated::unknown(span).inherit([&test]),
                }
            }
            Expr::Call(call) => self.eval_call(call, span, depth),
            Expr::Subscript(subscript) => self.eval_subscript(subscript, span, depth),
            Expr::Named(named) => self.eval_at(&named.value, depth),
            Expr::Lambda(_) => Evaluated::new(Value::Function("<lambda>".into()), span),
            _ => Evaluated::unknown(span),
        }
    }

    fn eval_sequence(
        &self,
        elements: &[Expr],
        span: Span,
        depth: usize,
        make: fn(Vec<Evaluated>) -> Value,
    ) -> Evaluated {
        if elements.iter().any(Expr::is_starred_expr) {
            return Evaluated::unknown(span);
        }
        let items = elements
            .iter()
            .map(|element| self.eval_at(element, depth))
            .collect();
        self.affordable(Evaluated::new(make(items), span))
    }

    fn eval_fstring(
        &self,
        fstring: &ruff_python_ast::ExprFString,
        span: Span,
        depth: usize,
    ) -> Evaluated {
        let mut text = String::new();
        let mut sources = Vec::new();
        let mut known = true;
        for part in fstring.value.iter() {
            match part {
                FStringPart::Literal(literal) => text.push_str(&literal.value),
                FStringPart::FString(fstring) => {
                    for element in fstring.elements.iter() {
                        match element {
                            InterpolatedStringElement::Literal(literal) => {
                                text.push_str(&literal.value);
                            }
                            InterpolatedStringElement::Interpolation(interpolation) => {
                                let value = self.eval_at(&interpolation.expression, depth);
                                let rendered = if interpolation.format_spec.is_some()
                                    || interpolation.debug_text.is_some()
                                {
                                    None
                                } else {
                                    match interpolation.conversion {
                                        ConversionFlag::None | ConversionFlag::Str => {
                                            value.value.python_str()
                                        }
                                        ConversionFlag::Repr => value.value.python_repr(),
                                        ConversionFlag::Ascii => None,
                                    }
                                };
                                match rendered {
                                    Some(rendered) => text.push_str(&rendered),
                                    None => known = false,
                                }
                                sources.push(value);
                            }
                        }
                    }
                }
            }
            if text.len() > MAX_STRING_LEN {
                known = false;
            }
        }
        let value = if known {
            Value::Str(text)
        } else {
            Value::Unknown
        };
        Evaluated::new(value, span).inherit(&sources)
    }

    fn eval_bool_op(
        &self,
        operation: &ruff_python_ast::ExprBoolOp,
        span: Span,
        depth: usize,
    ) -> Evaluated {
        let mut seen: Vec<Evaluated> = Vec::new();
        let last = operation.values.len().saturating_sub(1);
        for (index, operand) in operation.values.iter().enumerate() {
            let value = self.eval_at(operand, depth);
            let stop = match (operation.op, value.value.truthy()) {
                _ if index == last => true,
                (BoolOp::Or, Some(true)) | (BoolOp::And, Some(false)) => true,
                (_, Some(_)) => false,
                (_, None) => return Evaluated::unknown(span).inherit(seen.iter().chain([&value])),
            };
            if stop {
                let mut result = value.clone().inherit(&seen);
                result.span = span;
                return result;
            }
            seen.push(value);
        }
        Evaluated::unknown(span).inherit(&seen)
    }

    fn eval_compare(
        &self,
        compare: &ruff_python_ast::ExprCompare,
        span: Span,
        depth: usize,
    ) -> Evaluated {
        let mut left = self.eval_at(&compare.left, depth);
        let mut sources = vec![left.clone()];
        let mut result = Some(true);
        for (op, comparator) in compare.ops.iter().zip(compare.comparators.iter()) {
            let right = self.eval_at(comparator, depth);
            sources.push(right.clone());
            result = match (result, compare_values(*op, &left.value, &right.value)) {
                (Some(false), _) => Some(false),
                (Some(true), outcome) => outcome,
                (None, Some(false)) => Some(false),
                (None, _) => None,
            };
            left = right;
        }
        let value = result.map_or(Value::Unknown, Value::Bool);
        Evaluated::new(value, span).inherit(&sources)
    }

    fn eval_subscript(
        &self,
        subscript: &ruff_python_ast::ExprSubscript,
        span: Span,
        depth: usize,
    ) -> Evaluated {
        let key = self.eval_at(&subscript.slice, depth);
        if self.qualified_name_at(&subscript.value, depth).as_deref() == Some("os.environ") {
            let mut value = Evaluated::unknown(span);
            if let Value::Str(name) = &key.value {
                value.env_override = Some(name.clone());
            }
            return value;
        }
        let container = self.eval_at(&subscript.value, depth);
        let found = match (&container.value, &key.value) {
            (Value::Dict(items), _) if key.value.is_known() => items
                .iter()
                .rev()
                .find(|(item_key, _)| item_key.value == key.value)
                .map(|(_, value)| value.clone()),
            (Value::List(items) | Value::Tuple(items), Value::Int(index)) => {
                let index = if *index < 0 {
                    i64::try_from(items.len()).ok().map(|len| len + index)
                } else {
                    Some(*index)
                };
                index
                    .and_then(|index| usize::try_from(index).ok())
                    .and_then(|index| items.get(index))
                    .cloned()
            }
            _ => None,
        };
        let mut result = found.unwrap_or_else(|| Evaluated::unknown(span));
        result.span = span;
        result.inherit([&container, &key])
    }

    fn eval_call(&self, call: &ruff_python_ast::ExprCall, span: Span, depth: usize) -> Evaluated {
        let arguments = &call.arguments;
        let positional: Vec<&Expr> = arguments.args.iter().collect();
        let has_star = positional.iter().any(|arg| arg.is_starred_expr())
            || arguments
                .keywords
                .iter()
                .any(|keyword| keyword.arg.is_none());
        let name = self.qualified_name_at(&call.func, depth);
        let arg = |index: usize, keyword: &str| -> Option<Evaluated> {
            arguments
                .find_argument_value(keyword, index)
                .map(|expr| self.eval_at(expr, depth))
        };
        if !has_star {
            match name.as_deref() {
                Some("os.getenv" | "os.environ.get" | "os.environ.setdefault") => {
                    return self.env_lookup(arg(0, "key"), arg(1, "default"), span);
                }
                Some(
                    "multiprocessing.cpu_count"
                    | "os.cpu_count"
                    | "os.process_cpu_count"
                    | "psutil.cpu_count",
                ) => {
                    return Evaluated::new(
                        Value::CpuFormula {
                            factor: 1,
                            offset: 0,
                        },
                        span,
                    );
                }
                Some("len")
                    if positional.len() == 1
                        && matches!(
                            self.qualified_name_at(
                                match positional.first().copied() {
                                    Some(Expr::Call(inner)) => &inner.func,
                                    _ => &call.func,
                                },
                                depth
                            )
                            .as_deref(),
                            Some("os.sched_getaffinity")
                        ) =>
                {
                    return Evaluated::new(
                        Value::CpuFormula {
                            factor: 1,
                            offset: 0,
                        },
                        span,
                    );
                }
                Some(builtin @ ("int" | "float" | "str" | "bool" | "len" | "abs")) => {
                    if let Some(value) = positional.first() {
                        if positional.len() == 1 && arguments.keywords.is_empty() {
                            let value = self.eval_at(value, depth);
                            return convert(builtin, &value, span);
                        }
                    } else if arguments.keywords.is_empty() {
                        let empty = match builtin {
                            "int" => Value::Int(0),
                            "float" => Value::Float(0.0),
                            "str" => Value::Str(String::new()),
                            "bool" => Value::Bool(false),
                            _ => Value::Unknown,
                        };
                        return Evaluated::new(empty, span);
                    }
                }
                Some(builtin @ ("max" | "min")) if positional.len() >= 2 => {
                    let values: Vec<Evaluated> = positional
                        .iter()
                        .map(|value| self.eval_at(value, depth))
                        .collect();
                    return extremum(builtin == "max", &values, span);
                }
                _ => {}
            }
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                let receiver = self.eval_at(&attribute.value, depth);
                let values: Vec<Evaluated> = positional
                    .iter()
                    .map(|value| self.eval_at(value, depth))
                    .collect();
                if arguments.keywords.is_empty()
                    && let Some(result) = method(&receiver, attribute.attr.as_str(), &values, span)
                {
                    return result;
                }
            }
        }
        // An unknown call: its result is unknown, but an env var read among its arguments
        // still says the value can be overridden.
        let sources: Vec<Evaluated> = arguments
            .args
            .iter()
            .chain(arguments.keywords.iter().map(|keyword| &keyword.value))
            .map(|value| self.eval_at(value, depth))
            .collect();
        Evaluated::unknown(span).inherit(&sources)
    }

    fn env_lookup(
        &self,
        key: Option<Evaluated>,
        default: Option<Evaluated>,
        span: Span,
    ) -> Evaluated {
        let mut result = match default {
            Some(default) => {
                let mut value = default.clone();
                value.span = span;
                value.conditional = default.conditional;
                value
            }
            None => Evaluated::new(Value::None, span),
        };
        if let Some(Evaluated {
            value: Value::Str(name),
            ..
        }) = key
        {
            result.env_override = Some(name);
        }
        result
    }
}

/// `int(x)`, `float(x)`, `str(x)`, `bool(x)`, `len(x)`, `abs(x)`.
fn convert(builtin: &str, value: &Evaluated, span: Span) -> Evaluated {
    let converted = match (builtin, &value.value) {
        ("int", Value::Int(number)) => Value::Int(*number),
        ("int", Value::Bool(flag)) => Value::Int(i64::from(*flag)),
        ("int", Value::Float(number)) if number.is_finite() && number.abs() < 9.0e18 => {
            Value::Int(number.trunc() as i64)
        }
        ("int", Value::Str(text)) => parse_python_int(text).map_or(Value::Unknown, Value::Int),
        ("int", formula @ Value::CpuFormula { .. }) => formula.clone(),
        ("float", Value::Int(number)) => Value::Float(*number as f64),
        ("float", Value::Float(number)) => Value::Float(*number),
        ("float", Value::Bool(flag)) => Value::Float(f64::from(u8::from(*flag))),
        ("float", Value::Str(text)) => text
            .trim()
            .replace('_', "")
            .parse::<f64>()
            .map_or(Value::Unknown, Value::Float),
        ("str", other) => other.python_str().map_or(Value::Unknown, Value::Str),
        ("bool", other) => other.truthy().map_or(Value::Unknown, Value::Bool),
        ("len", Value::Str(text)) => Value::Int(text.chars().count() as i64),
        ("len", Value::List(items) | Value::Tuple(items)) => Value::Int(items.len() as i64),
        ("len", Value::Dict(items)) => Value::Int(items.len() as i64),
        ("abs", Value::Int(number)) => number.checked_abs().map_or(Value::Unknown, Value::Int),
        ("abs", Value::Float(number)) => Value::Float(number.abs()),
        _ => Value::Unknown,
    };
    Evaluated::new(converted, span).inherit([value])
}

/// `int("...")`: optional sign, digits with single underscores, surrounding whitespace.
fn parse_python_int(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let number: i64 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -number } else { number })
}

fn extremum(max: bool, values: &[Evaluated], span: Span) -> Evaluated {
    let mut best: Option<&Value> = None;
    for value in values {
        match (&value.value, best) {
            (Value::Int(_) | Value::Float(_), None) => best = Some(&value.value),
            (Value::Int(_) | Value::Float(_), Some(current)) => {
                let (Some(new), Some(old)) = (value.value.as_number(), current.as_number()) else {
                    return Evaluated::unknown(span).inherit(values);
                };
                if (max && new > old) || (!max && new < old) {
                    best = Some(&value.value);
                }
            }
            _ => return Evaluated::unknown(span).inherit(values),
        }
    }
    Evaluated::new(best.cloned().unwrap_or(Value::Unknown), span).inherit(values)
}

/// The few string and dict methods configuration code uses.
fn method(receiver: &Evaluated, name: &str, args: &[Evaluated], span: Span) -> Option<Evaluated> {
    let value = match (&receiver.value, name, args) {
        (Value::Str(text), "lower" | "casefold", []) => Value::Str(text.to_lowercase()),
        (Value::Str(text), "upper", []) => Value::Str(text.to_uppercase()),
        (Value::Str(text), "strip", []) => Value::Str(text.trim().to_string()),
        (Value::Str(text), "lstrip", []) => Value::Str(text.trim_start().to_string()),
        (Value::Str(text), "rstrip", []) => Value::Str(text.trim_end().to_string()),
        (Value::Str(text), "split", []) => Value::List(
            text.split_whitespace()
                .map(|part| Evaluated::new(Value::Str(part.to_string()), span))
                .collect(),
        ),
        (Value::Str(text), "split", [separator]) => match &separator.value {
            Value::Str(separator) if !separator.is_empty() => Value::List(
                text.split(separator.as_str())
                    .map(|part| Evaluated::new(Value::Str(part.to_string()), span))
                    .collect(),
            ),
            _ => Value::Unknown,
        },
        (Value::Str(text), "replace", [old, new]) => match (&old.value, &new.value) {
            (Value::Str(old), Value::Str(new)) if !old.is_empty() => {
                let replaced = text.replace(old.as_str(), new);
                if replaced.len() > MAX_STRING_LEN {
                    Value::Unknown
                } else {
                    Value::Str(replaced)
                }
            }
            _ => Value::Unknown,
        },
        (Value::Str(text), "startswith", [prefix]) => match &prefix.value {
            Value::Str(prefix) => Value::Bool(text.starts_with(prefix.as_str())),
            _ => Value::Unknown,
        },
        (Value::Str(text), "endswith", [suffix]) => match &suffix.value {
            Value::Str(suffix) => Value::Bool(text.ends_with(suffix.as_str())),
            _ => Value::Unknown,
        },
        (Value::Str(separator), "join", [items]) => match &items.value {
            Value::List(parts) | Value::Tuple(parts) => {
                let texts: Option<Vec<&str>> =
                    parts.iter().map(|part| part.value.as_str()).collect();
                texts.map_or(Value::Unknown, |texts| Value::Str(texts.join(separator)))
            }
            _ => Value::Unknown,
        },
        (Value::Dict(items), "get", [key, rest @ ..]) if rest.len() <= 1 => {
            let found = items
                .iter()
                .rev()
                .find(|(item_key, _)| item_key.value == key.value && key.value.is_known());
            match (found, rest.first()) {
                (Some((_, value)), _) => {
                    let mut result = value.clone();
                    result.span = span;
                    return Some(result.inherit([receiver, key]));
                }
                (None, Some(default)) if key.value.is_known() => default.value.clone(),
                (None, None) if key.value.is_known() => Value::None,
                _ => Value::Unknown,
            }
        }
        _ => return None,
    };
    Some(Evaluated::new(value, span).inherit(std::iter::once(receiver).chain(args)))
}

fn unary(op: UnaryOp, operand: &Evaluated, span: Span) -> Evaluated {
    let value = match (op, &operand.value) {
        (UnaryOp::Not, value) => value
            .truthy()
            .map_or(Value::Unknown, |truth| Value::Bool(!truth)),
        (UnaryOp::USub, Value::Int(number)) => {
            number.checked_neg().map_or(Value::Unknown, Value::Int)
        }
        (UnaryOp::USub, Value::Bool(flag)) => Value::Int(-i64::from(*flag)),
        (UnaryOp::USub, Value::Float(number)) => Value::Float(-number),
        (UnaryOp::USub, Value::CpuFormula { factor, offset }) => {
            match (factor.checked_neg(), offset.checked_neg()) {
                (Some(factor), Some(offset)) => Value::CpuFormula { factor, offset },
                _ => Value::Unknown,
            }
        }
        (UnaryOp::UAdd, value @ (Value::Int(_) | Value::Float(_) | Value::CpuFormula { .. })) => {
            value.clone()
        }
        (UnaryOp::Invert, Value::Int(number)) => Value::Int(!number),
        _ => Value::Unknown,
    };
    Evaluated::new(value, span).inherit([operand])
}

/// Folds a binary operation; the CPU count stays an affine formula.
pub(super) fn binary(op: Operator, left: &Evaluated, right: &Evaluated, span: Span) -> Evaluated {
    let value = fold_binary(op, &left.value, &right.value).unwrap_or(Value::Unknown);
    Evaluated::new(value, span).inherit([left, right])
}

fn fold_binary(op: Operator, left: &Value, right: &Value) -> Option<Value> {
    use Value::{Bool, CpuFormula, Float, Int, List, Str, Tuple};
    let as_int = |value: &Value| match value {
        Int(number) => Some(*number),
        Bool(flag) => Some(i64::from(*flag)),
        _ => None,
    };
    if let (Some(a), Some(b)) = (as_int(left), as_int(right)) {
        return match op {
            Operator::Add => a.checked_add(b).map(Int),
            Operator::Sub => a.checked_sub(b).map(Int),
            Operator::Mult => a.checked_mul(b).map(Int),
            Operator::FloorDiv => python_floor_div(a, b).map(Int),
            Operator::Mod => (b != 0 && !(a == i64::MIN && b == -1)).then(|| Int(python_mod(a, b))),
            Operator::Div => (b != 0).then(|| Float(a as f64 / b as f64)),
            Operator::Pow => u32::try_from(b)
                .ok()
                .and_then(|b| a.checked_pow(b))
                .map(Int),
            Operator::BitOr => Some(Int(a | b)),
            Operator::BitAnd => Some(Int(a & b)),
            Operator::BitXor => Some(Int(a ^ b)),
            Operator::LShift => u32::try_from(b)
                .ok()
                .filter(|&b| b < 63)
                .and_then(|b| a.checked_mul(1_i64 << b))
                .map(Int),
            Operator::RShift => u32::try_from(b).ok().map(|b| Int(a >> b.min(63))),
            Operator::MatMult => None,
        };
    }
    let as_float = |value: &Value| match value {
        Float(number) => Some(*number),
        other => as_int(other).map(|number| number as f64),
    };
    if let (Some(a), Some(b)) = (as_float(left), as_float(right)) {
        return match op {
            Operator::Add => Some(Float(a + b)),
            Operator::Sub => Some(Float(a - b)),
            Operator::Mult => Some(Float(a * b)),
            Operator::Div => (b != 0.0).then(|| Float(a / b)),
            Operator::FloorDiv => (b != 0.0).then(|| Float((a / b).floor())),
            Operator::Pow => Some(Float(a.powf(b))),
            _ => None,
        };
    }
    match (op, left, right) {
        (Operator::Add, Str(a), Str(b)) => bounded_string(format!("{a}{b}")),
        (Operator::Mult, Str(text), count) | (Operator::Mult, count, Str(text)) => {
            let count = usize::try_from(as_int(count)?.max(0)).ok()?;
            (text.len().saturating_mul(count) <= MAX_STRING_LEN).then(|| Str(text.repeat(count)))
        }
        (Operator::Mod, Str(template), arguments) => percent_format(template, arguments).map(Str),
        (Operator::Add, List(a), List(b)) => Some(List(a.iter().chain(b).cloned().collect())),
        (Operator::Add, Tuple(a), Tuple(b)) => Some(Tuple(a.iter().chain(b).cloned().collect())),
        (
            Operator::Add | Operator::Sub,
            CpuFormula { factor, offset },
            CpuFormula {
                factor: factor2,
                offset: offset2,
            },
        ) => {
            let (factor2, offset2) = if op == Operator::Sub {
                (factor2.checked_neg()?, offset2.checked_neg()?)
            } else {
                (*factor2, *offset2)
            };
            Some(CpuFormula {
                factor: factor.checked_add(factor2)?,
                offset: offset.checked_add(offset2)?,
            })
        }
        (_, CpuFormula { factor, offset }, other) => {
            affine(op, (*factor, *offset), as_int(other)?, false)
        }
        (_, other, CpuFormula { factor, offset }) => {
            affine(op, (*factor, *offset), as_int(other)?, true)
        }
        _ => None,
    }
}

/// `(factor * n + offset) op k`, or `k op (...)` when `flipped`; only affine results.
fn affine(op: Operator, (factor, offset): (i64, i64), k: i64, flipped: bool) -> Option<Value> {
    let (factor, offset) = match (op, flipped) {
        (Operator::Add, _) => (factor, offset.checked_add(k)?),
        (Operator::Sub, false) => (factor, offset.checked_sub(k)?),
        (Operator::Sub, true) => (factor.checked_neg()?, k.checked_sub(offset)?),
        (Operator::Mult, _) => (factor.checked_mul(k)?, offset.checked_mul(k)?),
        _ => return None,
    };
    Some(Value::CpuFormula { factor, offset })
}

fn python_floor_div(a: i64, b: i64) -> Option<i64> {
    let quotient = a.checked_div(b)?;
    let inexact = a.checked_rem(b)? != 0;
    Some(if inexact && ((a < 0) != (b < 0)) {
        quotient - 1
    } else {
        quotient
    })
}

fn python_mod(a: i64, b: i64) -> i64 {
    let remainder = a % b;
    if remainder != 0 && ((remainder < 0) != (b < 0)) {
        remainder + b
    } else {
        remainder
    }
}

fn bounded_string(text: String) -> Option<Value> {
    (text.len() <= MAX_STRING_LEN).then_some(Value::Str(text))
}

/// `"...%s..." % args` for `%s`, `%d`, `%i`, `%r` and `%%`.
fn percent_format(template: &str, arguments: &Value) -> Option<String> {
    let arguments: Vec<&Value> = match arguments {
        Value::Tuple(items) => items.iter().map(|item| &item.value).collect(),
        other => vec![other],
    };
    let mut remaining = arguments.into_iter();
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' => out.push_str(&remaining.next()?.python_str()?),
            'r' => out.push_str(&remaining.next()?.python_repr()?),
            'd' | 'i' => match remaining.next()? {
                Value::Int(number) => out.push_str(&number.to_string()),
                Value::Bool(flag) => out.push_str(if *flag { "1" } else { "0" }),
                Value::Float(number) if number.is_finite() => {
                    out.push_str(&(number.trunc() as i64).to_string());
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    if remaining.next().is_some() || out.len() > MAX_STRING_LEN {
        return None;
    }
    Some(out)
}

fn compare_values(op: CmpOp, left: &Value, right: &Value) -> Option<bool> {
    let numbers = left.as_number().zip(right.as_number()).or_else(|| {
        let as_num = |value: &Value| match value {
            Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
            other => other.as_number(),
        };
        as_num(left).zip(as_num(right))
    });
    match op {
        CmpOp::Eq | CmpOp::NotEq => {
            let equal = match (left, right) {
                _ if numbers.is_some() => numbers.map(|(a, b)| a == b),
                (Value::Str(a), Value::Str(b)) => Some(a == b),
                (Value::None, Value::None) => Some(true),
                (Value::None, other) | (other, Value::None) => {
                    (other.is_known() && !matches!(other, Value::Reference(_))).then_some(false)
                }
                (Value::Str(_), other) | (other, Value::Str(_)) => matches!(
                    other,
                    Value::Int(_)
                        | Value::Float(_)
                        | Value::Bool(_)
                        | Value::List(_)
                        | Value::Tuple(_)
                        | Value::Dict(_)
                )
                .then_some(false),
                _ => None,
            }?;
            Some(if op == CmpOp::Eq { equal } else { !equal })
        }
        CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => {
            let ordering = match (left, right) {
                (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
                _ => numbers.and_then(|(a, b)| a.partial_cmp(&b)),
            }?;
            Some(match op {
                CmpOp::Lt => ordering.is_lt(),
                CmpOp::LtE => ordering.is_le(),
                CmpOp::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
        CmpOp::Is | CmpOp::IsNot => {
            let same = match (left, right) {
                (Value::None, Value::None) => Some(true),
                (Value::None, other) | (other, Value::None) => other.is_known().then_some(false),
                (Value::Bool(a), Value::Bool(b)) => Some(a == b),
                _ => None,
            }?;
            Some(if op == CmpOp::Is { same } else { !same })
        }
        CmpOp::In | CmpOp::NotIn => {
            let contained = match (left, right) {
                (Value::Str(needle), Value::Str(haystack)) => {
                    Some(haystack.contains(needle.as_str()))
                }
                (needle, Value::List(items) | Value::Tuple(items)) => {
                    let mut found = Some(false);
                    for item in items {
                        match compare_values(CmpOp::Eq, needle, &item.value) {
                            Some(true) => {
                                found = Some(true);
                                break;
                            }
                            Some(false) => {}
                            None => found = None,
                        }
                    }
                    found
                }
                _ => None,
            }?;
            Some(if op == CmpOp::In {
                contained
            } else {
                !contained
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn namespace(text: &str) -> Namespace {
        let parsed = parse(text);
        assert_eq!(parsed.errors, vec![], "fixture must be valid Python");
        evaluate_module(&parsed.tree)
    }

    fn value_of(text: &str, name: &str) -> Evaluated {
        namespace(text)
            .get(name)
            .map(|binding| binding.value.clone())
            .unwrap_or_else(|| panic!("{name} not bound"))
    }

    fn at(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::from_range(start..start + needle.len())
    }

    #[test]
    fn getenv_with_default_is_the_default_overridable_by_the_variable() {
        let text = "import os\nworkers = int(os.getenv(\"WEB_CONCURRENCY\", 2))\n";
        let workers = value_of(text, "workers");
        assert_eq!(
            workers,
            Evaluated {
                value: Value::Int(2),
                span: at(text, "int(os.getenv(\"WEB_CONCURRENCY\", 2))"),
                env_override: Some("WEB_CONCURRENCY".into()),
                conditional: false,
            }
        );
    }

    #[test]
    fn environ_get_with_string_default_converted_by_int() {
        let text = "import os\nworkers = int(os.environ.get(\"WORKERS\", \"4\"))\n";
        let workers = value_of(text, "workers");
        assert_eq!(workers.value, Value::Int(4));
        assert_eq!(workers.env_override.as_deref(), Some("WORKERS"));
    }

    #[test]
    fn environ_get_through_from_import() {
        let text = "from os import environ\nbind = environ.get(\"BIND\", \"0.0.0.0:80\")\n";
        let bind = value_of(text, "bind");
        assert_eq!(bind.value, Value::Str("0.0.0.0:80".into()));
        assert_eq!(bind.env_override.as_deref(), Some("BIND"));
        assert_eq!(bind.span, at(text, "environ.get(\"BIND\", \"0.0.0.0:80\")"));
    }

    #[test]
    fn getenv_without_default_is_none() {
        let value = value_of("import os\nx = os.getenv(\"X\")\n", "x");
        assert_eq!(value.value, Value::None);
        assert_eq!(value.env_override.as_deref(), Some("X"));
    }

    #[test]
    fn environ_subscript_is_unknown_but_overridable() {
        let value = value_of("import os\nx = os.environ[\"SECRET\"]\n", "x");
        assert_eq!(value.value, Value::Unknown);
        assert_eq!(value.env_override.as_deref(), Some("SECRET"));
    }

    #[test]
    fn cpu_count_formula_is_symbolic() {
        let text = "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n";
        let workers = value_of(text, "workers");
        assert!(workers.value.is_two_n_plus_one());
        assert_eq!(
            workers.span,
            at(text, "multiprocessing.cpu_count() * 2 + 1")
        );
    }

    #[test]
    fn cpu_count_formula_in_other_orders() {
        for expression in [
            "1 + 2 * os.cpu_count()",
            "(os.cpu_count() * 2) + 1",
            "os.cpu_count() + os.cpu_count() + 1",
            "2 * (os.cpu_count() or 1) + 1",
            "int(cpu) * 2 + 1",
        ] {
            let text = format!("import os\ncpu = os.cpu_count()\nworkers = {expression}\n");
            let workers = value_of(&text, "workers");
            assert!(
                workers.value.is_two_n_plus_one(),
                "{expression}: {workers:?}"
            );
        }
    }

    #[test]
    fn cpu_count_through_from_import_and_name() {
        let text =
            "from multiprocessing import cpu_count\ncores = cpu_count()\nworkers = cores * 4\n";
        assert_eq!(
            value_of(text, "workers").value,
            Value::CpuFormula {
                factor: 4,
                offset: 0
            }
        );
    }

    #[test]
    fn sched_getaffinity_length_is_the_cpu_count() {
        let text = "import os\nworkers = len(os.sched_getaffinity(0)) * 2 + 1\n";
        assert!(value_of(text, "workers").value.is_two_n_plus_one());
    }

    #[test]
    fn non_affine_cpu_arithmetic_is_unknown() {
        let text = "import os\nworkers = os.cpu_count() // 2\n";
        assert_eq!(value_of(text, "workers").value, Value::Unknown);
    }

    #[test]
    fn integer_arithmetic() {
        assert_eq!(
            value_of("x = 2 ** 10 - 24 // 5 % 3\n", "x").value,
            Value::Int(1023)
        );
        assert_eq!(value_of("x = -7 // 2\n", "x").value, Value::Int(-4));
        assert_eq!(value_of("x = -7 % 3\n", "x").value, Value::Int(2));
        assert_eq!(value_of("x = 7 / 2\n", "x").value, Value::Float(3.5));
        assert_eq!(value_of("x = 1 / 0\n", "x").value, Value::Unknown);
        assert_eq!(
            value_of("x = 9223372036854775807 + 1\n", "x").value,
            Value::Unknown
        );
    }

    #[test]
    fn string_concatenation_and_repetition() {
        assert_eq!(
            value_of("x = 'a' + \"b\" * 3\n", "x").value,
            Value::Str("abbb".into())
        );
    }

    #[test]
    fn implicit_string_concatenation() {
        assert_eq!(
            value_of("x = ('0.0.0.0'\n     ':8000')\n", "x").value,
            Value::Str("0.0.0.0:8000".into())
        );
    }

    #[test]
    fn f_string_with_names_and_env() {
        let text = "import os\nport = os.getenv(\"PORT\", \"8000\")\nbind = f\"0.0.0.0:{port}\"\n";
        let bind = value_of(text, "bind");
        assert_eq!(bind.value, Value::Str("0.0.0.0:8000".into()));
        assert_eq!(bind.env_override.as_deref(), Some("PORT"));
        assert_eq!(bind.span, at(text, "f\"0.0.0.0:{port}\""));
    }

    #[test]
    fn f_string_with_nested_quotes_and_conversions() {
        let text = "d = {\"key\": 5}\nx = f\"{d[\"key\"]}-{'a'!r}-{1.0}-{True}\"\n";
        assert_eq!(
            value_of(text, "x").value,
            Value::Str("5-'a'-1.0-True".into())
        );
    }

    #[test]
    fn f_string_with_format_spec_is_unknown() {
        assert_eq!(value_of("x = f\"{3:>4}\"\n", "x").value, Value::Unknown);
    }

    #[test]
    fn percent_formatting() {
        let text = "import os\nbind = \"0.0.0.0:%s\" % os.getenv(\"PORT\", 8000)\n";
        let bind = value_of(text, "bind");
        assert_eq!(bind.value, Value::Str("0.0.0.0:8000".into()));
        assert_eq!(bind.env_override.as_deref(), Some("PORT"));
    }

    #[test]
    fn conversions() {
        assert_eq!(value_of("x = str(5)\n", "x").value, Value::Str("5".into()));
        assert_eq!(
            value_of("x = int(' 1_000 ')\n", "x").value,
            Value::Int(1000)
        );
        assert_eq!(value_of("x = int('abc')\n", "x").value, Value::Unknown);
        assert_eq!(value_of("x = int(3.9)\n", "x").value, Value::Int(3));
        assert_eq!(value_of("x = float('2.5')\n", "x").value, Value::Float(2.5));
        assert_eq!(value_of("x = bool('')\n", "x").value, Value::Bool(false));
        assert_eq!(value_of("x = bool('0')\n", "x").value, Value::Bool(true));
    }

    #[test]
    fn env_flag_comparison_is_false_by_default() {
        let text = "import os\nreload = os.getenv(\"RELOAD\", \"false\").lower() == \"true\"\n";
        let reload = value_of(text, "reload");
        assert_eq!(reload.value, Value::Bool(false));
        assert_eq!(reload.env_override.as_deref(), Some("RELOAD"));
    }

    #[test]
    fn membership_test() {
        let text = "import os\ndebug = os.getenv(\"DEBUG\", \"1\") in (\"1\", \"true\")\n";
        assert_eq!(value_of(text, "debug").value, Value::Bool(true));
    }

    #[test]
    fn or_falls_back_past_unset_variable() {
        let text = "import os, multiprocessing\nworkers = os.getenv(\"W\") or multiprocessing.cpu_count() * 2 + 1\n";
        let workers = value_of(text, "workers");
        assert!(workers.value.is_two_n_plus_one());
        assert_eq!(workers.env_override.as_deref(), Some("W"));
    }

    #[test]
    fn conditional_expression_with_known_test() {
        let text = "DEBUG = False\nworkers = 1 if DEBUG else 4\n";
        assert_eq!(value_of(text, "workers").value, Value::Int(4));
    }

    #[test]
    fn names_assigned_earlier_and_augmented_assignment() {
        let text = "base = 3\nworkers = base\nworkers += 2\n";
        let workers = value_of(text, "workers");
        assert_eq!(workers.value, Value::Int(5));
        assert_eq!(workers.span, at(text, "workers += 2"));
        let ns = namespace(text);
        assert_eq!(
            ns.get("workers").map(|binding| binding.kind),
            Some(BindingKind::AugmentedAssignment)
        );
        assert_eq!(ns.history().len(), 3);
    }

    #[test]
    fn assignment_under_if_is_conditional() {
        let text = "import os\nworkers = 2\nif os.getenv(\"PROD\"):\n    workers = 8\n";
        let workers = value_of(text, "workers");
        assert_eq!(workers.value, Value::Int(8));
        assert!(workers.conditional);
    }

    #[test]
    fn assignment_under_try_is_conditional_and_taints_users() {
        let text = "try:\n    import multiprocessing\n    cores = multiprocessing.cpu_count()\nexcept ImportError:\n    cores = 1\nworkers = cores * 2\n";
        let workers = value_of(text, "workers");
        assert_eq!(workers.value, Value::Int(2));
        assert!(workers.conditional);
    }

    #[test]
    fn unconditional_assignment_is_not_conditional() {
        assert!(!value_of("workers = 2\n", "workers").conditional);
    }

    #[test]
    fn tuple_unpacking() {
        let ns = namespace("a, b = 1, 'x'\n");
        assert_eq!(
            ns.get("a").map(|b| b.value.value.clone()),
            Some(Value::Int(1))
        );
        assert_eq!(
            ns.get("b").map(|b| b.value.value.clone()),
            Some(Value::Str("x".into()))
        );
    }

    #[test]
    fn imports_and_definitions_are_bound_with_kinds() {
        let text = "import os.path\nimport numpy as np\nfrom uvicorn.workers import UvicornWorker as W\nfrom . import sibling\ndef post_fork(server, worker):\n    pass\nclass C:\n    pass\n";
        let ns = namespace(text);
        let kinds: Vec<(&str, BindingKind, Value)> = ns
            .bindings()
            .map(|binding| {
                (
                    binding.name.as_str(),
                    binding.kind,
                    binding.value.value.clone(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("os", BindingKind::Import, Value::Reference("os".into())),
                ("np", BindingKind::Import, Value::Reference("numpy".into())),
                (
                    "W",
                    BindingKind::Import,
                    Value::Reference("uvicorn.workers.UvicornWorker".into())
                ),
                (
                    "sibling",
                    BindingKind::Import,
                    Value::Reference(".sibling".into())
                ),
                (
                    "post_fork",
                    BindingKind::Function,
                    Value::Function("post_fork".into())
                ),
                ("C", BindingKind::Class, Value::Class("C".into())),
            ]
        );
        assert_eq!(
            ns.get("post_fork").map(|b| b.name_span),
            Some(at(text, "post_fork"))
        );
    }

    #[test]
    fn imported_class_as_value_is_a_reference() {
        let text = "from uvicorn.workers import UvicornWorker\nworker_class = UvicornWorker\n";
        assert_eq!(
            value_of(text, "worker_class").value,
            Value::Reference("uvicorn.workers.UvicornWorker".into())
        );
    }

    #[test]
    fn containers_keep_element_spans() {
        let text = "bind = [\"0.0.0.0:80\", \"[::]:80\"]\n";
        let Value::List(items) = value_of(text, "bind").value else {
            panic!("not a list");
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].value, Value::Str("[::]:80".into()));
        assert_eq!(items[1].span, at(text, "\"[::]:80\""));
    }

    #[test]
    fn dict_lookup_and_get() {
        let text = "d = {'a': 1}\nx = d['a']\ny = d.get('b', 7)\n";
        assert_eq!(value_of(text, "x").value, Value::Int(1));
        assert_eq!(value_of(text, "y").value, Value::Int(7));
    }

    #[test]
    fn unknown_call_keeps_env_override() {
        let text = "import os\nx = parse_size(os.getenv(\"SIZE\", \"1k\"))\n";
        let x = value_of(text, "x");
        assert_eq!(x.value, Value::Unknown);
        assert_eq!(x.env_override.as_deref(), Some("SIZE"));
    }

    #[test]
    fn max_and_min_of_numbers() {
        assert_eq!(value_of("x = max(2, 8, 3)\n", "x").value, Value::Int(8));
        assert_eq!(value_of("x = min(2, 0.5)\n", "x").value, Value::Float(0.5));
    }

    #[test]
    fn python_reprs() {
        assert_eq!(float_repr(1.0).as_deref(), Some("1.0"));
        assert_eq!(float_repr(0.25).as_deref(), Some("0.25"));
        assert_eq!(string_repr("it's"), "\"it's\"");
        assert_eq!(
            Value::Tuple(vec![Evaluated::new(Value::Int(1), Span::default())]).python_repr(),
            Some("(1,)".into())
        );
    }

    #[test]
    fn deep_expression_is_unknown_not_a_crash() {
        let text = format!("x = {}1{}\n", "[".repeat(500), "]".repeat(500));
        let parsed = parse(&text);
        let ns = evaluate_module(&parsed.tree);
        assert!(ns.get("x").is_some());
    }

    #[test]
    fn names_nesting_lists_stop_at_the_value_depth_limit() {
        let mut text = String::from("x0 = [0]\n");
        for index in 1..10_000 {
            text.push_str(&format!("x{index} = [x{}]\n", index - 1));
        }
        let ns = namespace(&text);
        let Some(Value::List(items)) = ns.get("x9999").map(|b| b.value.value.clone()) else {
            panic!("x9999 is a list");
        };
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].value, Value::Unknown);
        let Some(Value::List(items)) = ns.get("x5").map(|b| b.value.value.clone()) else {
            panic!("x5 is a list");
        };
        assert!(matches!(items[0].value, Value::List(_)));
    }

    #[test]
    fn a_big_dict_referenced_many_times_stays_cheap() {
        let mut text = String::from("d = {");
        for index in 0..20_000 {
            text.push_str(&format!("'k{index}': {index}, "));
        }
        text.push_str("}\n");
        for index in 0..20_000 {
            text.push_str(&format!("v{index} = d\n"));
        }
        text.push_str("a = b = c = d\n");
        let started = std::time::Instant::now();
        let ns = namespace(&text);
        assert!(started.elapsed().as_secs() < 10);
        assert!(matches!(
            ns.get("v0").map(|b| &b.value.value),
            Some(Value::Dict(_))
        ));
        assert_eq!(
            ns.get("v19999").map(|b| b.value.value.clone()),
            Some(Value::Unknown)
        );
    }

    #[test]
    fn doubling_a_list_is_capped() {
        let mut text = String::from("a = [1, 2]\n");
        for _ in 0..64 {
            text.push_str("a = a + a\n");
        }
        let ns = namespace(&text);
        assert_eq!(
            ns.get("a").map(|b| b.value.value.clone()),
            Some(Value::Unknown)
        );
    }

    #[test]
    fn nothing_is_executed() {
        let text = "import os\nos.system('rm -rf /')\nx = __import__('os').getenv('HOME')\n";
        assert_eq!(value_of(text, "x").value, Value::Unknown);
    }
}
