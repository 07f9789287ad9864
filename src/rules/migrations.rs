//! Database migrations run from a command line (`alembic upgrade`, `manage.py migrate`,
//! `flask db upgrade`), looked for through wrappers and `sh -c` strings. Shared by the
//! Dockerfile, Kubernetes, systemd and compose rules.

use crate::parse::shell::{Script, Word, program_basename, shell_command_string};
use crate::span::Span;

/// How many nested `sh -c` strings [`migration_commands`] looks into.
const MAX_SHELL_DEPTH: u32 = 4;

/// How many wrapper layers (`exec env poetry run python -m ...`) are looked through.
const MAX_WRAPPERS: usize = 8;

/// What a migration command migrates with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MigrationTool {
    /// `alembic upgrade`.
    Alembic,
    /// `manage.py migrate` / `django-admin migrate`.
    Django,
    /// `flask db upgrade` (Flask-Migrate).
    FlaskMigrate,
}

impl MigrationTool {
    /// The command as users know it.
    pub fn name(self) -> &'static str {
        match self {
            MigrationTool::Alembic => "alembic upgrade",
            MigrationTool::Django => "manage.py migrate",
            MigrationTool::FlaskMigrate => "flask db upgrade",
        }
    }
}

/// A database migration run by a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Migration {
    /// Which tool.
    pub tool: MigrationTool,
    /// From the program word to the last word of the command.
    pub span: Span,
}

/// The migrations `words` run: the argument vector itself, or the commands of its
/// `sh -c` string (nested strings too, to a small depth).
pub(crate) fn migration_commands(words: &[Word]) -> Vec<Migration> {
    let mut found = Vec::new();
    collect_migrations(words, 0, &mut found);
    found
}

fn collect_migrations(words: &[Word], depth: u32, found: &mut Vec<Migration>) {
    if let Some(string) = shell_command_string(words) {
        if depth < MAX_SHELL_DEPTH {
            let script: Script = string.parse_as_script();
            for command in &script.commands {
                collect_migrations(&command.words, depth + 1, found);
            }
        }
        return;
    }
    if let Some(migration) = migration_of(words) {
        found.push(migration);
    }
}

/// The migration an argument vector runs, looking through wrappers.
pub(crate) fn migration_of(words: &[Word]) -> Option<Migration> {
    let program = program_words(words);
    let first = program.first()?;
    let name = program_basename(first.as_str());
    let rest = program.get(1..).unwrap_or(&[]);
    let span = first.span.cover(program.last()?.span);
    let tool = if name == "alembic" {
        (verb(rest, ALEMBIC_VALUE_OPTIONS) == Some("upgrade")).then_some(MigrationTool::Alembic)
    } else if name == "django-admin" || name == "manage.py" {
        (verb(rest, DJANGO_VALUE_OPTIONS) == Some("migrate")).then_some(MigrationTool::Django)
    } else if name == "flask" {
        // `flask --app web db upgrade`: `db` then `upgrade`, options anywhere before.
        rest.windows(2)
            .any(|pair| pair[0].as_str() == "db" && pair[1].as_str() == "upgrade")
            .then_some(MigrationTool::FlaskMigrate)
    } else if is_python(name) {
        // `python manage.py migrate` (`python -m ...` was unwrapped already).
        let script = rest.first()?;
        (program_basename(script.as_str()) == "manage.py"
            && verb(rest.get(1..).unwrap_or(&[]), DJANGO_VALUE_OPTIONS) == Some("migrate"))
        .then_some(MigrationTool::Django)
    } else {
        None
    }?;
    Some(Migration { tool, span })
}

/// alembic's global options that take the next word as their value.
const ALEMBIC_VALUE_OPTIONS: &[&str] = &["-c", "--config", "-n", "--name", "-x"];

/// Django's global options that take the next word as their value.
const DJANGO_VALUE_OPTIONS: &[&str] = &[
    "--settings",
    "--pythonpath",
    "-v",
    "--verbosity",
    "--database",
];

/// The first word of `words` that is neither an option nor the value of one of
/// `with_value` (written as a separate word).
fn verb<'w>(words: &'w [Word], with_value: &[&str]) -> Option<&'w str> {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let text = word.as_str();
        if !text.starts_with('-') {
            return Some(text);
        }
        i += if with_value.contains(&text) { 2 } else { 1 };
    }
    None
}

fn is_python(name: &str) -> bool {
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The words of the program an argument vector really runs: after `exec`, `env` and
/// its assignments, `poetry|pipenv|pdm|hatch|uv run` and their options, and
/// `python -m module` (which becomes `module ...`).
fn program_words(words: &[Word]) -> &[Word] {
    let mut words = words;
    for _ in 0..MAX_WRAPPERS {
        let Some(first) = words.first() else {
            return words;
        };
        let name = program_basename(first.as_str());
        let second = words.get(1).map(Word::as_str);
        let skip = match name {
            "exec" | "nohup" | "sudo" => 1 + count_options(words.get(1..).unwrap_or(&[])),
            "env" => {
                1 + words
                    .get(1..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|w| w.as_str().contains('=') || w.as_str().starts_with('-'))
                    .count()
            }
            "poetry" | "pipenv" | "pdm" | "hatch" | "uv" if second == Some("run") => {
                2 + count_options(words.get(2..).unwrap_or(&[]))
            }
            _ if is_python(name) && second == Some("-m") => 2,
            _ => return words,
        };
        words = words.get(skip..).unwrap_or(&[]);
    }
    words
}

/// How many leading words are options (`-x`, `--flag`).
fn count_options(words: &[Word]) -> usize {
    words
        .iter()
        .take_while(|w| w.as_str().starts_with('-') && w.as_str().len() > 1)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(items: &[&str]) -> Vec<Word> {
        let mut offset = 0;
        items
            .iter()
            .map(|item| {
                let word = Word::literal(*item, Span::new(offset, offset + item.len() as u32));
                offset += item.len() as u32 + 1;
                word
            })
            .collect()
    }

    #[test]
    fn migrations_in_argv_and_shell_strings() {
        let table: &[(&[&str], Option<MigrationTool>)] = &[
            (
                &["alembic", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["alembic", "-c", "alembic.ini", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["python", "manage.py", "migrate"],
                Some(MigrationTool::Django),
            ),
            (
                &["./manage.py", "migrate", "--noinput"],
                Some(MigrationTool::Django),
            ),
            (
                &["flask", "--app", "web", "db", "upgrade"],
                Some(MigrationTool::FlaskMigrate),
            ),
            (
                &["poetry", "run", "alembic", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["python", "-m", "alembic", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (&["alembic", "downgrade", "-1"], None),
            (&["alembic", "current"], None),
            (&["python", "manage.py", "collectstatic"], None),
            (
                &["sh", "-c", "alembic upgrade head && exec gunicorn app:app"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["bash", "-ec", "python manage.py migrate; exec uvicorn a:b"],
                Some(MigrationTool::Django),
            ),
            (&["gunicorn", "app:app"], None),
        ];
        for (argv, expected) in table {
            let found = migration_commands(&words(argv));
            assert_eq!(found.first().map(|m| m.tool), *expected, "{argv:?}");
        }
    }

    #[test]
    fn migration_span_covers_the_command() {
        let found = migration_commands(&words(&["sh", "-c", "alembic upgrade head && exec x"]));
        // `sh -c ` is 6 bytes; the string starts at 6 and `alembic upgrade head` is 20.
        assert_eq!(found[0].span, Span::new(6, 26));
    }

    #[test]
    fn migrations_behind_wrappers() {
        for text in [
            "alembic upgrade head",
            "alembic -c alembic.ini upgrade head",
            "poetry run alembic upgrade head",
            "uv run --frozen alembic upgrade heads",
            "python -m alembic upgrade head",
            "python manage.py migrate --noinput",
            "python3 /app/manage.py migrate",
            "django-admin migrate",
            "flask --app orders db upgrade",
            "exec env FLASK_APP=orders flask db upgrade",
        ] {
            assert!(
                migration_of(&crate::parse::shell::parse_str(text, 0).commands[0].words).is_some(),
                "{text}"
            );
        }
        for text in [
            "alembic check",
            "alembic downgrade -1",
            "python manage.py collectstatic",
            "flask db migrate",
            "flask run",
            "uvicorn app:app",
            "python -m app.migrate",
        ] {
            assert!(
                migration_of(&crate::parse::shell::parse_str(text, 0).commands[0].words).is_none(),
                "{text}"
            );
        }
    }
}
