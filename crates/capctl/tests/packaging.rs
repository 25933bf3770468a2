//! Packaging: the Debian package (scripts/package, cargo-deb) holds the binary, the man pages,
//! the completions and the systemd unit; the Prometheus alert rules pass `promtool check rules`
//! and their unit tests; the dashboard and the rules name only metrics capctl exports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn alert_rules_pass_promtool() {
    if !have("promtool") {
        // scripts/services installs Debian's prometheus package, which provides it.
        eprintln!("SKIPPED: promtool is not installed (apt-get install prometheus)");
        return;
    }
    let dir = root().join("packaging/prometheus");
    for args in [
        &["check", "rules", "capctl-alerts.yml"][..],
        &["test", "rules", "capctl-alerts.test.yml"][..],
    ] {
        let out = Command::new("promtool")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every `capctl_…` name in `text`.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("capctl_") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(tail.len());
        names.insert(tail[..end].to_string());
        rest = &tail[end..];
    }
    names
}

#[test]
fn dashboard_and_alerts_name_only_exported_metrics() {
    // What the daemons register (counters are exposed with `_total`).
    let mut exported = BTreeSet::new();
    for file in [
        "crates/capctl-core/src/reconcile/metrics.rs",
        "crates/capctl-core/src/outbox/metrics.rs",
    ] {
        let src = std::fs::read_to_string(root().join(file)).unwrap();
        for name in src
            .split("register(")
            .skip(1)
            .filter_map(|s| s.split('"').nth(1))
        {
            exported.insert(name.to_string());
            exported.insert(format!("{name}_total"));
        }
    }
    assert!(exported.contains("capctl_reconcile_active"), "{exported:?}");
    let dashboard = std::fs::read_to_string(root().join("packaging/grafana/capctl.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    assert!(json["panels"].as_array().unwrap().len() >= 10);
    let rules =
        std::fs::read_to_string(root().join("packaging/prometheus/capctl-alerts.yml")).unwrap();
    for (what, text) in [("dashboard", &dashboard), ("alert rules", &rules)] {
        let unknown: Vec<_> = metric_names(text)
            .into_iter()
            .filter(|n| n.starts_with("capctl_") && n.len() > "capctl_".len())
            .filter(|n| !exported.contains(n))
            .collect();
        assert!(
            unknown.is_empty(),
            "{what} name unknown metrics {unknown:?}"
        );
    }
}

/// Builds the package (a release build: the slowest test of the suite) and lists it.
#[test]
fn debian_package_holds_binary_man_pages_completions_and_unit() {
    if !have("dpkg-deb") {
        eprintln!("SKIPPED: dpkg-deb is not installed");
        return;
    }
    let out_dir = tempfile::tempdir().unwrap();
    let built = Command::new(root().join("scripts/package"))
        .arg("--output")
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "scripts/package: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let deb = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a .deb in the output directory");
    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&deb)
        .output()
        .unwrap();
    assert!(listing.status.success());
    let listing = String::from_utf8_lossy(&listing.stdout);
    let files: BTreeSet<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches('.'))
        .collect();
    let man_pages = std::fs::read_dir(root().join("man")).unwrap().count();
    assert!(man_pages > 30);
    let mut missing = Vec::new();
    for want in [
        "/usr/bin/capctl",
        "/usr/share/man/man1/capctl.1.gz",
        "/usr/share/man/man1/capctl-reconcile.1.gz",
        "/usr/share/man/man1/capctl-session-rsvp.1.gz",
        "/usr/share/bash-completion/completions/capctl",
        "/usr/share/zsh/vendor-completions/_capctl",
        "/usr/share/fish/vendor_completions.d/capctl.fish",
        "/lib/systemd/system/capctl-reconcile.service",
        "/usr/share/capctl/grafana/capctl.json",
        "/usr/share/capctl/prometheus/capctl-alerts.yml",
    ] {
        if !files.contains(want) {
            missing.push(want);
        }
    }
    assert!(missing.is_empty(), "missing {missing:?} in:\n{listing}");
    let pages = files
        .iter()
        .filter(|f| f.starts_with("/usr/share/man/man1/") && f.ends_with(".1.gz"))
        .count();
    assert_eq!(pages, man_pages, "every page of man/ is packaged");

    // The packaged binary runs, and its unit's sandbox rates "OK" (exposure at most 2.0 of 10, threshold 20 of 100)
    // by systemd's own measure.
    let unpacked = tempfile::tempdir().unwrap();
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(status.success());
    let version = Command::new(unpacked.path().join("usr/bin/capctl"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        concat!("capctl ", env!("CARGO_PKG_VERSION"))
    );
    if have("systemd-analyze") {
        let unit = unpacked
            .path()
            .join("lib/systemd/system/capctl-reconcile.service");
        let rated = Command::new("systemd-analyze")
            .args(["security", "--offline=true", "--threshold=20"])
            .arg(&unit)
            .output()
            .unwrap();
        assert!(
            rated.status.success(),
            "{}",
            String::from_utf8_lossy(&rated.stdout)
        );
    }
    let info = Command::new("dpkg-deb")
        .arg("-I")
        .arg(&deb)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Package: capctl"), "{info}");
    assert!(
        info.contains("Depends:") && info.contains("libc6"),
        "{info}"
    );
}
