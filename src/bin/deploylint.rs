//! The `deploylint` command: arguments → settings → linter → output → exit code.
//! It holds no lint logic.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use deploylint::engine::{RuleSelector, RuleSet};
use deploylint::output::{self, Format, RenderOptions};
use deploylint::{Linter, RULES, RuleCode, Settings, Severity};

#[derive(Parser)]
#[command(
    name = "deploylint",
    version,
    about = "Lint the deployment configuration of Python ASGI services"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and directories (default: the current directory). `-` reads stdin.
    Check(CheckArgs),
    /// List every rule.
    Rules,
    /// Show a rule's documentation.
    Explain {
        /// A rule code (`DF001`) or name (`reload-in-production`).
        rule: String,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to lint; `-` reads one file from stdin.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = SeverityArg::Warning)]
    fail_on: SeverityArg,
    /// The file name to lint stdin as (decides its kind), with `-`.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Run only these rules (codes, prefixes such as `DF`, or names), comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (codes, prefixes or names), comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Concise,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Error,
    Warning,
    Info,
}

impl From<SeverityArg> for Severity {
    fn from(value: SeverityArg) -> Self {
        match value {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Info,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => {
            print_rules();
            0
        }
        Command::Explain { rule } => explain(&rule),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

fn check(args: CheckArgs) -> i32 {
    let rules = match rule_set(&args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let fail_on = Severity::from(args.fail_on);
    let mut settings = Settings::with_rules(rules);
    settings.fail_on = fail_on;
    let linter = Linter::new(settings);
    let report = if args.paths.len() == 1 && args.paths[0].as_os_str() == "-" {
        let Some(name) = args.stdin_filename else {
            eprintln!("error: reading stdin (`-`) needs --stdin-filename to know the file's kind");
            return 2;
        };
        let mut bytes = Vec::new();
        if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("error: cannot read stdin: {error}");
            return 2;
        }
        linter.lint_bytes(&name, &bytes)
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths
        };
        linter.lint_paths(&paths)
    };
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Concise => Format::Concise,
        FormatArg::Json => Format::Json,
    };
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    let text = output::render(&report, format, RenderOptions { color, width });
    let mut lock = stdout.lock();
    if lock
        .write_all(text.as_bytes())
        .and_then(|()| lock.flush())
        .is_err()
    {
        return 2;
    }
    report.exit_code(fail_on)
}

fn rule_set(select: &[String], ignore: &[String]) -> Result<RuleSet, String> {
    let parse = |items: &[String]| -> Result<Vec<RuleSelector>, String> {
        items
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| RuleSelector::parse(s).map_err(|e| e.to_string()))
            .collect()
    };
    let selected = parse(select)?;
    let mut rules = if selected.is_empty() {
        RuleSet::all()
    } else {
        let mut set = RuleSet::empty();
        for selector in &selected {
            set.insert_matching(selector);
        }
        set
    };
    for selector in parse(ignore)? {
        rules.remove_matching(&selector);
    }
    Ok(rules)
}

fn print_rules() {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<7} {:<36} {:<8} {}\n",
        "code", "name", "severity", "summary"
    ));
    for meta in RULES {
        out.push_str(&format!(
            "{:<7} {:<36} {:<8} {}\n",
            meta.code.as_str(),
            meta.name,
            meta.severity.as_str(),
            meta.summary
        ));
    }
    print!("{out}");
}

fn explain(rule: &str) -> i32 {
    match RuleCode::find(rule) {
        Some(code) => {
            print!("{}", code.meta().docs.trim_start());
            0
        }
        None => {
            let error = RuleSelector::parse(rule).err().map(|e| e.to_string());
            eprintln!(
                "error: {}",
                error.unwrap_or_else(|| format!("`{rule}` is a prefix, not one rule"))
            );
            2
        }
    }
}
