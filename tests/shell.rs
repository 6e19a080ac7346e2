#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The edges of a user's shell: the explorer started without a terminal, completion scripts
//! and the man page.

use assert_cmd::Command;

fn overparam() -> Command {
    Command::cargo_bin("overparam").unwrap()
}

#[test]
fn explorer_without_a_terminal_says_which_command_to_run() {
    // assert_cmd gives the program a null stdin and piped stdout/stderr: neither is a terminal.
    for args in [&[][..], &["--model", "very", "--seed", "3"][..]] {
        let out = overparam().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line:\n{err}");
        assert!(err.starts_with("error: the explorer needs a terminal"), "{err}");
        assert!(err.contains("overparam train") && err.contains("overparam ensemble"), "{err}");
        assert!(!err.contains("os error"), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Bad input is still reported as such first.
    let out = overparam().args(["--fps", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("terminal"));
}

/// Every subcommand the parser knows, by name.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    overparam::args::Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect()
}

#[test]
fn completions_name_every_subcommand() {
    let subs = subcommands();
    assert!(subs.iter().any(|s| s == "ensemble") && subs.iter().any(|s| s == "completions"));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = overparam().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        let script = String::from_utf8(out.stdout).unwrap();
        for sub in &subs {
            assert!(script.contains(sub.as_str()), "{shell} completion lacks `{sub}`");
        }
        // Fish writes options as `-l seed`, the others as `--seed`.
        assert!(script.contains("seed") && script.contains("lr-scale"), "{shell} completion lacks the global options");
    }
    let out = overparam().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is bad input");
}

#[test]
fn bash_completion_parses_and_completes() {
    let script = overparam().args(["completions", "bash"]).output().unwrap().stdout;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overparam.bash");
    std::fs::write(&path, script).unwrap();
    // Source it and ask the completion function what follows `overparam ens`.
    let probe = format!(
        "source {}; COMP_WORDS=(overparam ens); COMP_CWORD=1; _overparam overparam ens overparam; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = std::process::Command::new("bash").args(["--norc", "--noprofile", "-c", &probe]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ensemble");
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let out = overparam().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH overparam 1"), "roff title header:\n{page}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS") && page.contains(".SH OPTIONS"));
    for sub in subcommands() {
        assert!(page.contains(&format!("overparam\\-{sub}")) || page.contains(&sub), "man page lacks `{sub}`");
    }
    // Where man(1) is installed, it must render the page without complaint.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overparam.1");
    std::fs::write(&path, &page).unwrap();
    if let Ok(out) = std::process::Command::new("man").arg(&path).env("MANPAGER", "cat").output()
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("SYNOPSIS") && text.contains("--seed"), "{text}");
    }
}
