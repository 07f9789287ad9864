//! The environment variables a module reads by itself (not through pydantic settings):
//! `os.getenv("X")`, `os.environ.get("X")`, `os.environ["X"]`, `"X" in os.environ`,
//! `os.environ.setdefault("X", ...)`, `os.environ.pop("X")`, anywhere in the module
//! (functions included).
//!
//! Names built at run time are kept as what is known of them: an f-string or a
//! concatenation with a literal head (`f"ORDERS_{name}"`) gives a prefix, and a use of
//! the whole mapping (`dict(os.environ)`, `os.environ.items()`, `for k in os.environ`)
//! says that any variable may be read. Rules asking "does the code read X?" use all three.

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{CmpOp, Expr, Operator, Stmt};

use super::eval::{Evaluator, evaluate_module};
use super::syntax::{PythonModule, span_of};
use crate::span::{Span, Spanned};

/// What a module reads from the environment by itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvReads {
    /// Variables read by name, each where it is read.
    pub names: Vec<Spanned<String>>,
    /// Known heads of names built at run time (`ORDERS_` of `f"ORDERS_{key}"`).
    pub prefixes: Vec<Spanned<String>>,
    /// Where the whole environment is used (any variable may be read), if anywhere.
    pub whole_environment: Option<Span>,
    /// Variables the module sets by name (`os.environ["X"] = ...`,
    /// `os.environ.setdefault("X", ...)`, `os.putenv("X", ...)`).
    pub writes: Vec<Spanned<String>>,
    /// Where the module sets variables whose names are not known here: an env file
    /// loaded (`load_dotenv()`, `env.read_env()`), `os.environ.update(...)`.
    pub sets_unknown: Option<Span>,
}

impl EnvReads {
    /// Whether the module may read `name` (exactly, by a known prefix, or through the
    /// whole environment).
    pub fn may_read(&self, name: &str) -> bool {
        self.whole_environment.is_some()
            || self.names.iter().any(|n| n.value == name)
            || self
                .prefixes
                .iter()
                .any(|p| !p.value.is_empty() && name.starts_with(p.value.as_str()))
    }
}

/// Finds the environment reads of `module`.
pub fn env_reads(module: &PythonModule) -> EnvReads {
    let namespace = evaluate_module(module);
    let mut collector = Collector {
        evaluator: Evaluator::new(&namespace),
        reads: EnvReads::default(),
    };
    for statement in module.body() {
        collector.visit_stmt(statement);
    }
    collector.reads
}

/// Functions and methods whose first argument names the variable.
const LOOKUPS: &[&str] = &[
    "os.getenv",
    "os.getenvb",
    "os.environ.get",
    "os.environ.setdefault",
    "os.environ.pop",
    "os.environ.__getitem__",
    "os.environ.__contains__",
    "os.unsetenv",
    "os.putenv",
];

/// Functions and methods that set the variable their first argument names.
const SETTERS: &[&str] = &["os.environ.setdefault", "os.putenv"];

/// Methods of `os.environ` that expose every variable.
const WHOLE: &[&str] = &[
    "os.environ.items",
    "os.environ.keys",
    "os.environ.values",
    "os.environ.copy",
    "os.environ.__iter__",
];

struct Collector<'n> {
    evaluator: Evaluator<'n>,
    reads: EnvReads,
}

impl Collector<'_> {
    fn is_environ(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(_) | Expr::Attribute(_))
            && self.evaluator.qualified_name(expr).as_deref() == Some("os.environ")
    }

    /// Records the variable named by `key`: a string, or a string built from a literal
    /// head (a prefix); a name not known statically counts as a read of anything.
    fn record_key(&mut self, key: &Expr) {
        let span = span_of(key);
        match key {
            Expr::StringLiteral(literal) => self
                .reads
                .names
                .push(Spanned::new(literal.value.to_str().to_string(), span)),
            _ => {
                let evaluated = self.evaluator.eval(key);
                if let Some(text) = evaluated.value.as_str() {
                    self.reads.names.push(Spanned::new(text.to_string(), span));
                } else if let Some(head) = literal_head(key) {
                    self.reads.prefixes.push(Spanned::new(head, span));
                } else {
                    self.reads.prefixes.push(Spanned::new(String::new(), span));
                    self.reads.whole_environment.get_or_insert(span);
                }
            }
        }
    }
}

impl Collector<'_> {
    /// Records the variable set under `key`; a name not known statically sets unknown
    /// variables.
    fn record_write(&mut self, key: &Expr) {
        let span = span_of(key);
        match self.evaluator.eval(key).value.as_str() {
            Some(text) => self.reads.writes.push(Spanned::new(text.to_string(), span)),
            None => {
                self.reads.sets_unknown.get_or_insert(span);
            }
        }
    }
}

/// The literal text an f-string or a `+` concatenation starts with.
fn literal_head(expr: &Expr) -> Option<String> {
    match expr {
        Expr::FString(fstring) => {
            let mut head = String::new();
            for part in fstring.value.elements() {
                match part.as_literal() {
                    Some(literal) => head.push_str(&literal.value),
                    None => break,
                }
            }
            (!head.is_empty()).then_some(head)
        }
        Expr::BinOp(operation) if operation.op == Operator::Add => match operation.left.as_ref() {
            Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
            left => literal_head(left),
        },
        _ => None,
    }
}

/// Whether a called name loads an env file or sets unknown variables.
fn sets_unknown_variables(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(last, "load_dotenv" | "read_env") || name == "os.environ.update"
}

impl<'a> Visitor<'a> for Collector<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let targets: Vec<&Expr> = match stmt {
            Stmt::Assign(assign) => assign.targets.iter().collect(),
            Stmt::AugAssign(assign) => vec![assign.target.as_ref()],
            Stmt::AnnAssign(assign) => vec![assign.target.as_ref()],
            _ => Vec::new(),
        };
        for target in targets {
            if let Expr::Subscript(subscript) = target
                && self.is_environ(&subscript.value)
            {
                self.record_write(&subscript.slice);
            }
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => {
                let name = self.evaluator.qualified_name(&call.func);
                if let Some(name) = name.as_deref() {
                    if sets_unknown_variables(name) {
                        self.reads.sets_unknown.get_or_insert(span_of(call));
                    }
                    if SETTERS.contains(&name)
                        && let Some(key) = call.arguments.find_argument_value("key", 0)
                    {
                        self.record_write(key);
                    }
                    if LOOKUPS.contains(&name) {
                        if let Some(key) = call.arguments.find_argument_value("key", 0) {
                            self.record_key(key);
                        }
                        for argument in call.arguments.args.iter().skip(1) {
                            self.visit_expr(argument);
                        }
                        for keyword in &call.arguments.keywords {
                            if keyword.arg.as_ref().is_some_and(|a| a.as_str() != "key") {
                                self.visit_expr(&keyword.value);
                            }
                        }
                        return;
                    }
                    if WHOLE.contains(&name) {
                        self.reads.whole_environment.get_or_insert(span_of(call));
                        return;
                    }
                }
                walk_expr(self, expr);
            }
            Expr::Subscript(subscript) if self.is_environ(&subscript.value) => {
                self.record_key(&subscript.slice);
            }
            Expr::Compare(compare)
                if compare.ops.len() == 1
                    && matches!(compare.ops.first(), Some(CmpOp::In | CmpOp::NotIn))
                    && compare
                        .comparators
                        .first()
                        .is_some_and(|c| self.is_environ(c)) =>
            {
                self.record_key(&compare.left);
            }
            Expr::Attribute(_) | Expr::Name(_) if self.is_environ(expr) => {
                // The mapping itself, passed on or iterated: anything may be read.
                self.reads.whole_environment.get_or_insert(span_of(expr));
            }
            _ => walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn reads(text: &str) -> EnvReads {
        env_reads(&parse(text).tree)
    }

    fn names(reads: &EnvReads) -> Vec<&str> {
        reads.names.iter().map(|n| n.value.as_str()).collect()
    }

    #[test]
    fn getenv_and_environ_get_with_spans() {
        let text = "import os\nA = os.getenv(\"ORDERS_A\", \"1\")\n\ndef f():\n    return os.environ.get('ORDERS_B')\n";
        let found = reads(text);
        assert_eq!(names(&found), vec!["ORDERS_A", "ORDERS_B"]);
        let start = text.find("\"ORDERS_A\"").expect("in text");
        assert_eq!(
            found.names[0].span,
            Span::from_range(start..start + "\"ORDERS_A\"".len())
        );
        assert_eq!(found.whole_environment, None);
        assert!(found.may_read("ORDERS_B"));
        assert!(!found.may_read("ORDERS_C"));
    }

    #[test]
    fn subscripts_membership_and_setdefault() {
        let found = reads(
            "import os\nx = os.environ['X']\nif 'Y' not in os.environ:\n    os.environ.setdefault('Z', '1')\nos.environ.pop(key='W')\n",
        );
        assert_eq!(names(&found), vec!["X", "Y", "Z", "W"]);
        assert_eq!(found.whole_environment, None);
    }

    #[test]
    fn from_import_and_aliases_resolve() {
        let found = reads(
            "from os import environ, getenv as env\nimport os as system\na = environ['A']\nb = env('B')\nc = system.getenv('C')\n",
        );
        assert_eq!(names(&found), vec!["A", "B", "C"]);
    }

    #[test]
    fn names_from_constants_and_prefixes_from_fstrings() {
        let found = reads(
            "import os\nKEY = 'ORDERS_TOKEN'\nt = os.getenv(KEY)\ndef part(name):\n    return os.environ[f'ORDERS_{name}'.upper()] if False else os.getenv('ORDERS_' + name)\n",
        );
        assert_eq!(names(&found), vec!["ORDERS_TOKEN"]);
        let prefixes: Vec<&str> = found.prefixes.iter().map(|p| p.value.as_str()).collect();
        // `.upper()` of an f-string is not a known head: anything may be read there.
        assert_eq!(prefixes, vec!["", "ORDERS_"]);
        assert!(found.whole_environment.is_some());
    }

    #[test]
    fn writes_and_env_file_loads() {
        let found = reads(
            "import os\nfrom dotenv import load_dotenv\nos.environ['A'] = '1'\nos.environ.setdefault('B', '2')\nload_dotenv()\n",
        );
        let writes: Vec<&str> = found.writes.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(writes, vec!["A", "B"]);
        assert!(found.sets_unknown.is_some());
        let plain = reads("import os\nx = os.environ['A']\n");
        assert_eq!(plain.writes, Vec::<Spanned<String>>::new());
        assert_eq!(plain.sets_unknown, None);
        assert!(
            reads("import os\nos.environ.update(EXTRA)\n")
                .sets_unknown
                .is_some()
        );
    }

    #[test]
    fn whole_environment_uses() {
        for text in [
            "import os\nenv = dict(os.environ)\n",
            "import os\nfor key, value in os.environ.items():\n    pass\n",
            "import os\nsubprocess.run(['x'], env=os.environ.copy())\n",
        ] {
            assert!(reads(text).whole_environment.is_some(), "{text}");
            assert!(reads(text).may_read("ANYTHING"));
        }
        let plain = reads("import json\nx = json.loads('{}')\nenviron = {}\ny = environ['A']\n");
        assert_eq!(plain, EnvReads::default());
    }
}
