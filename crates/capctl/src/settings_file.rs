//! Where each setting comes from: `capctl.toml` (path by `--config`/`CAPCTL_CONFIG`, else
//! `$XDG_CONFIG_HOME/capctl/capctl.toml`, else `~/.config/capctl/capctl.toml`, else none), the
//! `.env` file, the environment and the flags.
//!
//! Precedence is flag > env > `.env` > file > default. clap handles the first two and the
//! default; `.env` is loaded into the environment without overriding it, and the variables it
//! set are recorded so they can be told apart from the real environment; the file's values
//! become the defaults of the arguments they name, so anything above them still wins. Every
//! file value is checked by the same value parser as its flag before any command runs.

use std::collections::{BTreeMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};
use serde::Serialize;

/// A file key, named like its long flag (dashes as underscores), and the commands whose flag
/// it sets (`[]` is the global flag).
struct Key {
    name: &'static str,
    commands: &'static [&'static [&'static str]],
}

const GLOBAL: &[&[&str]] = &[&[]];

/// Every key a `capctl.toml` may hold. Anything else is an error.
const KEYS: &[Key] = &[
    Key {
        name: "database_url",
        commands: GLOBAL,
    },
    Key {
        name: "redis_url",
        commands: GLOBAL,
    },
    Key {
        name: "redis_prefix",
        commands: GLOBAL,
    },
    Key {
        name: "connect_timeout",
        commands: GLOBAL,
    },
    Key {
        name: "statement_timeout",
        commands: GLOBAL,
    },
    Key {
        name: "lock_timeout",
        commands: GLOBAL,
    },
    Key {
        name: "redis_timeout",
        commands: GLOBAL,
    },
    Key {
        name: "color",
        commands: GLOBAL,
    },
    Key {
        name: "log_format",
        commands: GLOBAL,
    },
    // The lease length new booth visitors and stream viewers get.
    Key {
        name: "ttl",
        commands: &[&["booth", "enter"], &["stream", "join"]],
    },
    // How long a freed seat is held for the next in line, for sessions created from now on.
    Key {
        name: "offer_ttl",
        commands: &[&["session", "create"]],
    },
    // The daemon's pass interval and metrics address (`reconcile --watch`).
    Key {
        name: "interval",
        commands: &[&["reconcile"]],
    },
    Key {
        name: "metrics_addr",
        commands: &[&["reconcile"]],
    },
];

/// A loaded `capctl.toml`: its path and its values, as the text a flag would take.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    pub path: Option<PathBuf>,
    /// How the path was chosen: `--config`, `CAPCTL_CONFIG` or the XDG config dir.
    pub chosen_by: Option<Source>,
    pub values: BTreeMap<String, String>,
}

/// Where one effective setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env(String),
    DotEnv(String),
    File(PathBuf),
    Default,
}

impl Source {
    /// `flag`, `env`, `.env`, the file's path, or `default`.
    pub fn label(&self) -> String {
        match self {
            Self::Flag => "flag".into(),
            Self::Env(_) => "env".into(),
            Self::DotEnv(_) => ".env".into(),
            Self::File(path) => path.display().to_string(),
            Self::Default => "default".into(),
        }
    }

    pub fn variable(&self) -> Option<&str> {
        match self {
            Self::Env(v) | Self::DotEnv(v) => Some(v),
            _ => None,
        }
    }
}

/// One row of `capctl config show`.
#[derive(Debug, Clone, Serialize)]
pub struct Effective {
    pub key: String,
    /// As given (passwords redacted); `None` when unset.
    pub value: Option<String>,
    pub source: String,
    /// The environment variable, when the source is `env` or `.env`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

/// Loads `.env` from the working directory without overriding the environment, and returns
/// the names of the variables it set.
pub fn load_dotenv() -> HashSet<String> {
    let before: HashSet<OsString> = std::env::vars_os().map(|(k, _)| k).collect();
    let _ = dotenvy::dotenv();
    std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| !before.contains(k))
        .map(|k| k.to_string_lossy().into_owned())
        .collect()
}

/// The `--config` value on the command line (before any `--`), if any.
fn config_flag(args: &[OsString]) -> Option<OsString> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == "--" {
            return None;
        }
        if arg == "--config" {
            return iter.next().cloned();
        }
        if let Some(v) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(v.into());
        }
    }
    None
}

/// The file `args` and the environment point at, read and checked against `cmd`'s flags.
/// An error is one line naming the file, the key and the problem.
pub fn load(args: &[OsString], cmd: &Command) -> Result<ConfigFile, String> {
    let (path, chosen_by, required) = if let Some(p) = config_flag(args) {
        (PathBuf::from(p), Source::Flag, true)
    } else if let Some(p) = std::env::var_os("CAPCTL_CONFIG").filter(|p| !p.is_empty()) {
        (PathBuf::from(p), Source::Env("CAPCTL_CONFIG".into()), true)
    } else if let Some(p) = xdg_path() {
        (p, Source::Default, false)
    } else {
        return Ok(ConfigFile::default());
    };
    let path = std::path::absolute(&path).unwrap_or(path);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ConfigFile::default());
        }
        Err(e) => return Err(format!("{}: cannot read ({e})", path.display())),
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let msg = e.message().trim().replace('\n', " ");
        let line = e
            .span()
            .map(|s| format!(" (line {})", text[..s.start].lines().count().max(1)));
        format!("{}: {msg}{}", path.display(), line.unwrap_or_default())
    })?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let problem = |p: String| format!("{}: key `{key}`: {p}", path.display());
        let Some(spec) = KEYS.iter().find(|k| k.name == key) else {
            let known: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
            return Err(problem(format!(
                "unknown key (known: {})",
                known.join(", ")
            )));
        };
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            other => {
                return Err(problem(format!(
                    "expected a string, found {}",
                    other.type_str()
                )));
            }
        };
        check(cmd, spec, &text).map_err(problem)?;
        values.insert(key, text);
    }
    Ok(ConfigFile {
        path: Some(path),
        chosen_by: Some(chosen_by),
        values,
    })
}

/// `$XDG_CONFIG_HOME/capctl/capctl.toml`, else `$HOME/.config/capctl/capctl.toml`.
fn xdg_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| Path::new(d).is_absolute())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(".config"))
        })?;
    Some(base.join("capctl").join("capctl.toml"))
}

/// The subcommand at `path` below `cmd`.
fn command_at<'a>(cmd: &'a Command, path: &[&str]) -> &'a Command {
    path.iter().fold(cmd, |c, name| {
        c.find_subcommand(name)
            .unwrap_or_else(|| panic!("config key names unknown command {name}"))
    })
}

/// Parses `text` with the value parser of the flag `spec` names, as clap would.
fn check(cmd: &Command, spec: &Key, text: &str) -> Result<(), String> {
    let mut cmd = cmd.clone();
    cmd.build();
    for path in spec.commands {
        let sub = command_at(&cmd, path);
        let arg = sub
            .get_arguments()
            .find(|a| a.get_id() == spec.name)
            .unwrap_or_else(|| panic!("config key {} names no flag", spec.name));
        // The flag alone, in a command of its own: clap runs its value parser on `text`.
        let flag = arg
            .clone()
            .global(false)
            .required(false)
            .env(None::<&str>)
            .default_value(None::<&str>);
        Command::new("capctl.toml")
            .no_binary_name(true)
            .arg(flag)
            .try_get_matches_from([
                OsStr::new(&format!("--{}", spec.name.replace('_', "-"))),
                OsStr::new(text),
            ])
            .map_err(|e| {
                let rendered = e.render().to_string();
                let first = rendered.lines().next().unwrap_or_default().trim();
                first.strip_prefix("error: ").unwrap_or(first).to_string()
            })?;
    }
    // What the library checks before any connection: URL schemes, the key prefix.
    let mut settings = capctl_core::config::Settings::default();
    match spec.name {
        "database_url" => settings.database_url = text.into(),
        "redis_url" => settings.redis_url = text.into(),
        "redis_prefix" => settings.redis_prefix = text.into(),
        _ => return Ok(()),
    }
    settings.validate().map_err(|e| e.to_string())
}

/// `cmd` with the file's values as the defaults of the flags they name.
pub fn apply(mut cmd: Command, file: &ConfigFile) -> Command {
    for (key, value) in &file.values {
        let spec = KEYS
            .iter()
            .find(|k| k.name == key)
            .expect("checked by load");
        for path in spec.commands {
            let value = value.clone();
            cmd = mut_at(cmd, path, &move |c: Command| {
                let value = value.clone();
                c.mut_arg(spec.name, move |a| a.default_value(value))
            });
        }
    }
    cmd
}

fn mut_at(cmd: Command, path: &[&str], f: &dyn Fn(Command) -> Command) -> Command {
    match path.split_first() {
        None => f(cmd),
        Some((first, rest)) => cmd.mut_subcommand(first, |sub| mut_at(sub, rest, f)),
    }
}

/// Every file key's effective value and source, plus the file itself (`config`).
/// `cmd` is the command tree the file was applied to, `matches` what it parsed.
pub fn effective(
    cmd: &Command,
    matches: &ArgMatches,
    file: &ConfigFile,
    dotenv: &HashSet<String>,
) -> Vec<Effective> {
    let mut cmd = cmd.clone();
    cmd.build();
    let from_env = |var: &str| {
        if dotenv.contains(var) {
            Source::DotEnv(var.into())
        } else {
            Source::Env(var.into())
        }
    };
    let file_source = || Source::File(file.path.clone().unwrap_or_default());
    let mut rows = vec![Effective {
        key: "config".into(),
        value: file.path.as_ref().map(|p| p.display().to_string()),
        source: match &file.chosen_by {
            Some(Source::Env(var)) => from_env(var),
            Some(s) => s.clone(),
            None => Source::Default,
        }
        .label(),
        variable: match &file.chosen_by {
            Some(Source::Env(var)) => Some(var.clone()),
            _ => None,
        },
    }];
    for spec in KEYS {
        let path = spec.commands[0];
        let sub = command_at(&cmd, path);
        let arg = sub
            .get_arguments()
            .find(|a| a.get_id() == spec.name)
            .expect("every key names a flag");
        let env_var = arg.get_env().map(|v| v.to_string_lossy().into_owned());
        let (value, source) = if path.is_empty() {
            let value = matches
                .get_raw(spec.name)
                .and_then(|mut v| v.next())
                .map(|v| v.to_string_lossy().into_owned());
            let source = match matches.value_source(spec.name) {
                Some(ValueSource::CommandLine) => Source::Flag,
                Some(ValueSource::EnvVariable) => from_env(env_var.as_deref().unwrap_or("")),
                _ if file.values.contains_key(spec.name) => file_source(),
                _ => Source::Default,
            };
            (value, source)
        } else {
            let env_value = env_var
                .as_deref()
                .and_then(|v| std::env::var(v).ok().map(|value| (v, value)));
            match env_value {
                Some((var, value)) => (Some(value), from_env(var)),
                None => {
                    let value = arg
                        .get_default_values()
                        .first()
                        .map(|v| v.to_string_lossy().into_owned());
                    let source = if file.values.contains_key(spec.name) {
                        file_source()
                    } else {
                        Source::Default
                    };
                    (value, source)
                }
            }
        };
        rows.push(Effective {
            key: spec.name.into(),
            value: value.map(|v| capctl_core::config::redact(&v)),
            variable: source.variable().map(str::to_string),
            source: source.label(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_key_names_a_flag_of_its_commands() {
        let mut cmd = crate::cli::Cli::command();
        cmd.build();
        for spec in KEYS {
            for path in spec.commands {
                let sub = command_at(&cmd, path);
                assert!(
                    sub.get_arguments().any(|a| a.get_id() == spec.name
                        && a.get_long() == Some(&spec.name.replace('_', "-"))),
                    "{} on {path:?}",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn the_config_flag_is_found_before_a_double_dash_only() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            config_flag(&args(&["capctl", "--config", "a.toml", "migrate"])),
            Some("a.toml".into())
        );
        assert_eq!(
            config_flag(&args(&["capctl", "migrate", "--config=b.toml"])),
            Some("b.toml".into())
        );
        assert_eq!(
            config_flag(&args(&["capctl", "x", "--", "--config", "c"])),
            None
        );
    }
}
