//! `capctl.toml` and `capctl config show`: the precedence flag > env > `.env` > file > default
//! for every combination of layers, passwords redacted, the file's values really used by a
//! command, and a broken file refused with one line naming file, key and problem (exit 2).

mod common;

use common::TestEnv;
use serde_json::Value;
use sqlx::PgPool;

/// `capctl ARGS` in `dir` with exactly the variables `vars` (plus PATH): no test harness
/// variables, no HOME, so no XDG config file is found by accident.
fn run_in(dir: &std::path::Path, vars: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(common::BIN);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(dir)
        .args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `config show --json` as a map of key -> (value, source).
fn shown(out: &std::process::Output) -> std::collections::BTreeMap<String, (Value, String)> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_string(),
                (
                    s["value"].clone(),
                    s["source"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn precedence_is_flag_then_env_then_dotenv_then_file_then_default() {
    // Every subset of the four layers, for two keys at once (a global flag and a daemon one).
    for mask in 0u8..16 {
        let dir = tempfile::tempdir().unwrap();
        let (flag, env, dotenv, file) =
            (mask & 8 != 0, mask & 4 != 0, mask & 2 != 0, mask & 1 != 0);
        let mut args = vec!["config", "show", "--json"];
        let mut vars = Vec::new();
        if flag {
            args.extend(["--redis-prefix", "from-flag"]);
        }
        if env {
            vars.push(("CAPCTL_REDIS_PREFIX", "from-env"));
        }
        if dotenv {
            std::fs::write(dir.path().join(".env"), "CAPCTL_REDIS_PREFIX=from-dotenv\n").unwrap();
        }
        let path = dir.path().join("capctl.toml");
        std::fs::write(
            &path,
            if file {
                "redis_prefix = \"from-file\"\ninterval = \"9s\"\n"
            } else {
                ""
            },
        )
        .unwrap();
        let path_text = path.to_str().unwrap().to_string();
        args.extend(["--config", &path_text]);
        let got = shown(&run_in(dir.path(), &vars, &args));
        let expected = if flag {
            ("from-flag", "flag")
        } else if env {
            ("from-env", "env")
        } else if dotenv {
            ("from-dotenv", ".env")
        } else if file {
            ("from-file", path_text.as_str())
        } else {
            ("capctl", "default")
        };
        assert_eq!(
            got["redis_prefix"],
            (Value::from(expected.0), expected.1.to_string()),
            "flag {flag} env {env} .env {dotenv} file {file}"
        );
        let interval = if file {
            (Value::from("9s"), path_text.clone())
        } else {
            (Value::from("5s"), "default".to_string())
        };
        assert_eq!(got["interval"], interval, "mask {mask}");
        assert_eq!(got["config"].1, "flag");
    }
}

#[test]
fn the_file_is_found_by_capctl_config_then_the_xdg_config_dir() {
    let dir = tempfile::tempdir().unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("capctl")).unwrap();
    std::fs::write(xdg.join("capctl/capctl.toml"), "lock_timeout = \"3s\"\n").unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "lock_timeout = \"4s\"\n").unwrap();
    let xdg_text = xdg.to_str().unwrap();
    let other_text = other.to_str().unwrap();

    let got = shown(&run_in(
        dir.path(),
        &[("XDG_CONFIG_HOME", xdg_text)],
        &["config", "show", "--json"],
    ));
    let xdg_file = xdg.join("capctl/capctl.toml").to_str().unwrap().to_string();
    assert_eq!(
        got["config"],
        (Value::from(xdg_file.clone()), "default".into())
    );
    assert_eq!(got["lock_timeout"], (Value::from("3s"), xdg_file));

    let got = shown(&run_in(
        dir.path(),
        &[("XDG_CONFIG_HOME", xdg_text), ("CAPCTL_CONFIG", other_text)],
        &["config", "show", "--json"],
    ));
    assert_eq!(got["config"], (Value::from(other_text), "env".into()));
    assert_eq!(got["lock_timeout"], (Value::from("4s"), other_text.into()));

    // HOME's .config when XDG_CONFIG_HOME is unset; no file at all is fine.
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".config/capctl")).unwrap();
    std::fs::write(
        home.join(".config/capctl/capctl.toml"),
        "redis_timeout = \"7s\"\n",
    )
    .unwrap();
    let got = shown(&run_in(
        dir.path(),
        &[("HOME", home.to_str().unwrap())],
        &["config", "show", "--json"],
    ));
    assert_eq!(got["redis_timeout"].0, Value::from("7s"));
    let got = shown(&run_in(dir.path(), &[], &["config", "show", "--json"]));
    assert_eq!(got["config"], (Value::Null, "default".into()));
    assert_eq!(got["redis_timeout"], (Value::from("5s"), "default".into()));
}

#[test]
fn config_show_redacts_passwords_from_every_layer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capctl.toml");
    std::fs::write(
        &path,
        "database_url = \"postgres://ops:Sekr3tFile@db/capctl\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "REDIS_URL=redis://:Sekr3tDot@r:6379\n",
    )
    .unwrap();
    for json in [true, false] {
        let mut args = vec!["--config", path.to_str().unwrap(), "config", "show"];
        if json {
            args.push("--json");
        }
        let out = run_in(dir.path(), &[], &args);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("Sekr3t"), "{text}");
        assert!(text.contains("postgres://ops:***@db/capctl"), "{text}");
        assert!(text.contains("redis://:***@r:6379"), "{text}");
        if !json {
            assert!(text.contains(".env (REDIS_URL)"), "{text}");
        }
    }
    // A password given as a flag is hidden too.
    let out = run_in(
        dir.path(),
        &[],
        &[
            "config",
            "show",
            "--database-url",
            "postgres://a:Sekr3tFlag@h/d",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("Sekr3t") && text.contains("postgres://a:***@h/d"),
        "{text}"
    );
}

#[test]
fn a_broken_file_is_one_line_naming_file_key_and_problem_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capctl.toml");
    let path_text = path.to_str().unwrap();
    for (text, says) in [
        (
            "databse_url = \"postgres://x/y\"\n",
            "key `databse_url`: unknown key",
        ),
        (
            "connect_timeout = \"soon\"\n",
            "key `connect_timeout`: invalid value 'soon'",
        ),
        ("redis_prefix = \"a b\"\n", "key `redis_prefix`"),
        (
            "color = \"sometimes\"\n",
            "key `color`: invalid value 'sometimes'",
        ),
        ("metrics_addr = \"nowhere\"\n", "key `metrics_addr`"),
        ("redis_url = \"http://r\"\n", "key `redis_url`"),
        (
            "lock_timeout = true\n",
            "key `lock_timeout`: expected a string, found boolean",
        ),
        ("lock_timeout = \n", "line 1"),
    ] {
        std::fs::write(&path, text).unwrap();
        let out = run_in(dir.path(), &[], &["--config", path_text, "config", "show"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(path_text) && err.contains(says),
            "{text}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    // A file named by --config or CAPCTL_CONFIG must exist.
    let missing = dir.path().join("missing.toml");
    let out = run_in(
        dir.path(),
        &[("CAPCTL_CONFIG", missing.to_str().unwrap())],
        &["config", "show"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml: cannot read"));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_command_uses_the_files_backends_and_defaults(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capctl.toml");
    std::fs::write(
        &path,
        format!(
            "database_url = \"{}\"\nredis_prefix = \"{}\"\noffer_ttl = \"7m\"\nttl = \"90s\"\n",
            env.database_url, env.prefix
        ),
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let event = |id: &str| {
        env.capctl("event create --json --name E --starts-at 2030-06-01T08:00:00Z --ends-at 2030-06-03T18:00:00Z")
            .args(["--id", id, "--config", file, "--max-viewers", "5"])
            .env_remove("DATABASE_URL")
            .env_remove("CAPCTL_REDIS_PREFIX")
    };
    event("ev1").success();
    env.capctl("session create --json --title T --event ev1 --id s1 --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z")
        .args(["--config", file])
        .env_remove("DATABASE_URL")
        .success();
    let ttl: i64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM offer_ttl)::bigint FROM sessions WHERE id = 's1'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(ttl, 420, "offer_ttl from the file");
    // A flag still beats the file.
    env.capctl("session create --json --title T --event ev1 --id s2 --offer-ttl 2m --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z")
        .args(["--config", file])
        .env_remove("DATABASE_URL")
        .success();
    let ttl: i64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM offer_ttl)::bigint FROM sessions WHERE id = 's2'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(ttl, 120);
    // The lease length of a new viewer comes from the file's `ttl`, under the file's prefix.
    let before = chrono::Utc::now();
    let joined = env
        .capctl("stream join --json --event ev1 --viewer u1")
        .args(["--config", file])
        .env_remove("CAPCTL_REDIS_PREFIX")
        .success()
        .json();
    let after = chrono::Utc::now();
    let expires: chrono::DateTime<chrono::Utc> = joined["lease_expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // 90 s, not the 60 s default.
    assert!(
        expires >= before + chrono::Duration::seconds(89)
            && expires <= after + chrono::Duration::seconds(91),
        "{joined}"
    );
    let mut conn = common::redis::redis(&env).await;
    let keys = common::redis::keys_under(&mut conn, &format!("{}:*", env.prefix)).await;
    assert!(!keys.is_empty(), "the lease is under the file's prefix");
    // The env layer beats the file: a wrong DATABASE_URL in the environment is used and fails.
    event("ev2")
        .env("DATABASE_URL", "postgres://127.0.0.1:1/nothing")
        .code(7);
}
