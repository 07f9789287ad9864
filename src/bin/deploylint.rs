//! The `deploylint` command: arguments → settings → linter → output → exit code.
//! It holds no lint logic.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use deploylint::baseline::Baseline;
use deploylint::config::{self, Overrides};
use deploylint::engine::RuleSelector;
use deploylint::output::{self, Format, RenderOptions};
use deploylint::workspace::{lint_in_project, project_dir};
use deploylint::{LintReport, Linter, RULES, RuleCode, Settings, Severity};

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
    Check(Box<CheckArgs>),
    /// List every rule.
    Rules,
    /// Show a rule's documentation.
    Explain {
        /// A rule code (`DF001`) or name (`reload-in-production`).
        rule: String,
    },
    /// Show the services found and every fact the cross-file rules use, with its
    /// origin (default: the current directory).
    Graph {
        /// Files or directories to read.
        paths: Vec<PathBuf>,
        /// The configuration file to use (default: found from the first path).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run the language server on standard input and output (for editors).
    #[cfg(feature = "lsp")]
    Lsp,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to lint; `-` reads one file from stdin.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Lowest severity that makes the exit code 1 (default: the configuration's
    /// `fail-on`, else `warning`).
    #[arg(long, value_enum)]
    fail_on: Option<SeverityArg>,
    /// The file name to lint stdin as (decides its kind), with `-`.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Run only these rules (codes, prefixes such as `DF`, or names), comma-separated;
    /// replaces the configuration's `select`.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Also run these rules, comma-separated.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Do not run these rules (codes, prefixes or names), comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Also skip files and directories matching these globs, comma-separated.
    #[arg(long, value_delimiter = ',')]
    extend_exclude: Vec<String>,
    /// Skip files larger than this (bytes, or a quantity such as `25MiB`); replaces the
    /// configuration's `max-file-size` (default 10 MiB).
    #[arg(long, value_parser = parse_size)]
    max_file_size: Option<u64>,
    /// Use this configuration file instead of discovering one.
    #[arg(long, conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    isolated: bool,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    output_file: Option<PathBuf>,
    /// Print how many findings each rule reported instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Record the current findings in this baseline file, then exit 0.
    #[arg(long, conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Report only findings not recorded in this baseline file.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Lint the whole project each path belongs to (the nearest directory above it
    /// holding a configuration file or `.git`), so cross-file rules see every file,
    /// but report only findings in the given paths. For pre-commit hooks, which pass
    /// only the changed files.
    #[arg(long)]
    in_project: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Checkstyle,
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
        Command::Check(args) => check(*args),
        Command::Rules => {
            print_rules();
            0
        }
        Command::Explain { rule } => explain(&rule),
        Command::Graph { paths, config } => graph(paths, config),
        #[cfg(feature = "lsp")]
        Command::Lsp => match deploylint::lsp::run_stdio() {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("error: {error}");
                1
            }
        },
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// The paths linted under one configuration (and, with `--in-project`, in one project
/// directory).
struct Group {
    config: Option<PathBuf>,
    project: Option<PathBuf>,
    paths: Vec<PathBuf>,
}

/// Groups `paths` by the configuration file that applies to each and, with
/// `--in-project`, by the project directory each belongs to (the nearest directory with
/// a configuration file or `.git`, else the path's own directory; see `project_dir`).
fn groups(args: &CheckArgs, paths: &[PathBuf]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for path in paths {
        let found = if args.isolated {
            None
        } else if let Some(config) = &args.config {
            Some(config.clone())
        } else {
            config::find(path)
        };
        let project = if args.in_project {
            project_dir(path)
        } else {
            None
        };
        match groups
            .iter_mut()
            .find(|g| g.config == found && g.project == project)
        {
            Some(group) => group.paths.push(path.clone()),
            None => groups.push(Group {
                config: found,
                project,
                paths: vec![path.clone()],
            }),
        }
    }
    groups
}

fn check(args: CheckArgs) -> i32 {
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(Severity::from),
        extend_exclude: args.extend_exclude.clone(),
        max_file_size: args.max_file_size,
    };
    let stdin = args.paths.len() == 1 && args.paths[0].as_os_str() == "-";
    let stdin_name = if stdin {
        let Some(name) = args.stdin_filename.clone() else {
            eprintln!("error: reading stdin (`-`) needs --stdin-filename to know the file's kind");
            return 2;
        };
        Some(name)
    } else {
        None
    };
    if stdin && args.in_project {
        eprintln!("error: --in-project lints files on disk, not stdin");
        return 2;
    }
    let paths = match &stdin_name {
        Some(name) => vec![name.clone()],
        None if args.paths.is_empty() => vec![PathBuf::from(".")],
        None => args.paths.clone(),
    };
    let mut report = LintReport::default();
    let mut exit_code = 0;
    for group in groups(&args, &paths) {
        let file = match group.config.as_deref().map(config::load).transpose() {
            Ok(file) => file,
            Err(error) => {
                eprintln!("error: {error}");
                return 2;
            }
        };
        let settings = match Settings::resolve(file.as_ref(), &overrides) {
            Ok(settings) => settings,
            Err(error) => {
                eprintln!("error: {error}");
                return 2;
            }
        };
        let linter = Linter::new(settings);
        let mut part = match &stdin_name {
            Some(name) => {
                // One byte past the size limit is enough to know the input is too large.
                let limit = linter.settings().max_file_size.saturating_add(1);
                let mut bytes = Vec::new();
                if let Err(error) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
                    eprintln!("error: cannot read stdin: {error}");
                    return 2;
                }
                linter.lint_bytes(name, &bytes)
            }
            None => match &group.project {
                Some(project) => {
                    let mut part = lint_in_project(&linter, project, &group.paths);
                    if let Ok(cwd) = std::env::current_dir() {
                        part.relativize(&cwd);
                    }
                    part
                }
                None => linter.lint_paths(&group.paths),
            },
        };
        let baseline_path = args
            .baseline
            .clone()
            .or_else(|| linter.settings().baseline.clone())
            .filter(|_| args.write_baseline.is_none());
        if let Some(path) = baseline_path {
            match Baseline::read(&path) {
                Ok(baseline) => {
                    baseline.filter(&mut part);
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    return 2;
                }
            }
        }
        exit_code = exit_code.max(part.exit_code(linter.settings().fail_on));
        report.merge(part);
    }
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_report(&report);
        if let Err(message) = baseline.write(path) {
            eprintln!("error: {message}");
            return 2;
        }
        eprintln!(
            "wrote {} finding(s) to the baseline {}",
            baseline.findings.len(),
            path.display()
        );
        return if report.io_problems.is_empty() { 0 } else { 2 };
    }
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Concise => Format::Concise,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Gitlab => Format::Gitlab,
        FormatArg::Checkstyle => Format::Checkstyle,
    };
    let stdout = std::io::stdout();
    let color = args.output_file.is_none()
        && stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    let text = if args.statistics {
        output::render_statistics(&report, format)
    } else {
        output::render(&report, format, RenderOptions { color, width })
    };
    let written = match &args.output_file {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|error| {
            eprintln!("error: cannot write {}: {error}", path.display());
        }),
        None => {
            let mut lock = stdout.lock();
            lock.write_all(text.as_bytes())
                .and_then(|()| lock.flush())
                .map_err(|_| ())
        }
    };
    if written.is_err() {
        return 2;
    }
    exit_code
}

/// Reads `--max-file-size`: bytes, or a quantity such as `25MiB` or `1G`.
fn parse_size(text: &str) -> Result<u64, String> {
    config::parse_memory(&toml::Value::String(text.to_string())).ok_or_else(|| {
        format!("`{text}` is not a size: write bytes or a quantity such as `25MiB` or `1G`")
    })
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

fn graph(paths: Vec<PathBuf>, config_path: Option<PathBuf>) -> i32 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let found = config_path.or_else(|| config::find(&paths[0]));
    let file = match found.as_deref().map(config::load).transpose() {
        Ok(file) => file,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    let settings = match Settings::resolve(file.as_ref(), &Overrides::default()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    let project = Linter::new(settings).project(&paths);
    print!("{}", deploylint::output::graph::render(&project));
    0
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
