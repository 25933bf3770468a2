//! Prometheus metrics of a reconcile daemon: the text format and the `/metrics` server.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::pass::ReconcileReport;
use crate::presence::Occupancy;

/// Counters and gauges of a reconcile daemon, rendered in the Prometheus text format.
#[derive(Debug, Default)]
pub struct Metrics {
    passes: u64,
    failures: u64,
    fixes: BTreeMap<&'static str, u64>,
    last_duration: Duration,
    last_pass_unix: i64,
    last_drift: bool,
    occupancy: Vec<Occupancy>,
}

impl Metrics {
    pub fn record(&mut self, r: &ReconcileReport) {
        self.passes += 1;
        for (kind, n) in [
            ("leases_expired", r.leases_expired),
            ("counters_fixed", r.counters_fixed),
            ("counters_drifted", r.counters_drifted),
            ("lease_ttls_fixed", r.lease_ttls_fixed),
            ("limits_fixed", r.limits_fixed),
            ("limits_cached", r.limits_cached),
            ("sessions_fixed", r.sessions_fixed),
            ("offers_expired", r.offers_expired),
            ("offers_sent", r.offers_sent),
        ] {
            *self.fixes.entry(kind).or_default() += n;
        }
        self.last_duration = Duration::from_millis(r.duration_ms);
        self.last_pass_unix = chrono::Utc::now().timestamp();
        self.last_drift = r.drift;
        self.occupancy = r.occupancy.clone();
    }

    pub fn record_failure(&mut self) {
        self.failures += 1;
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str, samples: &[(String, String)]| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
            for (labels, value) in samples {
                out.push_str(&format!("{name}{labels} {value}\n"));
            }
        };
        let one = |v: String| vec![(String::new(), v)];
        family(
            "capctl_reconcile_passes_total",
            "counter",
            "Reconcile passes completed.",
            &one(self.passes.to_string()),
        );
        family(
            "capctl_reconcile_failures_total",
            "counter",
            "Reconcile passes that failed (a backend unreachable).",
            &one(self.failures.to_string()),
        );
        let fixes: Vec<_> = self
            .fixes
            .iter()
            .map(|(kind, n)| (format!("{{kind=\"{kind}\"}}"), n.to_string()))
            .collect();
        family(
            "capctl_reconcile_fixes_total",
            "counter",
            "What reconcile fixed, by kind.",
            &fixes,
        );
        family(
            "capctl_reconcile_last_pass_duration_seconds",
            "gauge",
            "Duration of the last pass.",
            &one(format!("{:.3}", self.last_duration.as_secs_f64())),
        );
        family(
            "capctl_reconcile_last_pass_timestamp_seconds",
            "gauge",
            "Unix time of the last pass.",
            &one(self.last_pass_unix.to_string()),
        );
        family(
            "capctl_reconcile_drift",
            "gauge",
            "1 when the last pass found drift.",
            &one(u8::from(self.last_drift).to_string()),
        );
        // Room ids need no escaping in labels: ids are letters, digits and _ - . : @ +
        let label =
            |o: &Occupancy| format!("{{kind=\"{}\",room=\"{}\"}}", o.room.kind(), o.room.id());
        let live: Vec<_> = self
            .occupancy
            .iter()
            .map(|o| (label(o), o.live.to_string()))
            .collect();
        family(
            "capctl_presence_live",
            "gauge",
            "Live leases per room at the last pass.",
            &live,
        );
        let limits: Vec<_> = self
            .occupancy
            .iter()
            .filter_map(|o| o.limit.map(|l| (label(o), l.to_string())))
            .collect();
        family(
            "capctl_presence_limit",
            "gauge",
            "Limit per room at the last pass (rooms without a limit left out).",
            &limits,
        );
        out
    }
}

/// Serves `GET /metrics` (and `/`) over plain HTTP/1.1, one short connection per scrape.
pub async fn serve_metrics(listener: TcpListener, metrics: Arc<Mutex<Metrics>>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let mut len = 0;
            let read = tokio::time::timeout(Duration::from_secs(5), async {
                while len < buf.len() {
                    match stream.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let head = String::from_utf8_lossy(&buf[..len]);
            let path = head.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = if head.starts_with("GET ") && matches!(path, "/metrics" | "/") {
                ("200 OK", metrics.lock().expect("metrics lock").render())
            } else {
                ("404 Not Found", "not found; try /metrics\n".to_string())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}
