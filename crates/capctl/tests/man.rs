//! The man pages in man/ must match what the binary generates (clap_mangen): capctl.1 and one
//! page per subcommand. Regenerate them (and the completions) with `scripts/regenerate`.

use std::collections::BTreeMap;
use std::path::Path;

fn pages(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".1"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn checked_in_man_pages_are_current() {
    let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../man");
    let fresh = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_capctl"))
        .arg("manpages")
        .arg(fresh.path())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing")
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = pages(fresh.path());
    assert!(generated.contains_key("capctl.1"), "{:?}", generated.keys());
    assert!(generated.contains_key("capctl-reconcile.1"));
    assert!(generated.contains_key("capctl-session-rsvp.1"));
    assert!(
        !generated.keys().any(|p| p.contains("manpages")),
        "the hidden command has no page"
    );
    if std::env::var_os("CAPCTL_UPDATE_MAN").is_some() {
        std::fs::create_dir_all(&man).unwrap();
        for stale in pages(&man).keys().filter(|p| !generated.contains_key(*p)) {
            std::fs::remove_file(man.join(stale)).unwrap();
        }
        for (page, text) in &generated {
            std::fs::write(man.join(page), text).unwrap();
        }
        return;
    }
    let checked_in = pages(&man);
    let stale: Vec<_> = generated
        .keys()
        .chain(checked_in.keys())
        .filter(|p| generated.get(*p) != checked_in.get(*p))
        .collect();
    assert!(
        stale.is_empty(),
        "stale or missing man pages {stale:?}: run `scripts/regenerate`"
    );
}
