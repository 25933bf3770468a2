//! `capctl doctor`: one line per health check (see [`capctl_core::doctor`]); exit 0 only when
//! every check passes, 7 when a backend is unreachable, 8 when a state is off.

use clap::Args;

use crate::cli::Output;
use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::config::redact;
use capctl_core::doctor::doctor;

#[derive(Debug, Args)]
pub struct DoctorArgs {}

impl DoctorArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let report = doctor(b).await;
        out.emit(&report, || {
            report
                .checks
                .iter()
                .map(|c| {
                    let status = if c.ok { "ok" } else { "FAIL" };
                    format!("{status:<4}  {:<8}  {}", c.name, redact(&c.detail))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        report.verdict()
    }
}
