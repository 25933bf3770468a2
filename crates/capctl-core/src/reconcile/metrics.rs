//! Prometheus metrics of a reconcile daemon, kept in a prometheus-client registry (served by
//! [`crate::daemon::serve`]). The names are a contract: dashboards and alert rules in
//! packaging/ use them.

use std::collections::HashSet;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::pass::ReconcileReport;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

/// Room ids need no escaping in labels: ids are letters, digits and _ - . : @ +
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RoomLabels {
    kind: &'static str,
    room: String,
}

/// Counters and gauges of a reconcile daemon. Cheap to share: every metric is atomic.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    passes: Counter,
    failures: Counter,
    fixes: Family<KindLabel, Counter>,
    last_duration: Gauge<f64, AtomicU64>,
    last_pass_unix: Gauge,
    drift: Gauge,
    drift_streak: Gauge,
    active: Gauge,
    interval: Gauge<f64, AtomicU64>,
    live: Family<RoomLabels, Gauge>,
    limit: Family<RoomLabels, Gauge>,
    /// The rooms the last pass reported, so rooms gone since are dropped from the families.
    rooms: Arc<Mutex<HashSet<RoomLabels>>>,
}

impl Metrics {
    /// The metrics, registered in `registry` (counters get their `_total` suffix there).
    pub fn register(registry: &mut Registry, interval: Duration) -> Self {
        let m = Self::default();
        m.interval.set(interval.as_secs_f64());
        let r = registry;
        r.register(
            "capctl_reconcile_passes",
            "Reconcile passes completed",
            m.passes.clone(),
        );
        r.register(
            "capctl_reconcile_failures",
            "Reconcile passes that failed (a backend unreachable)",
            m.failures.clone(),
        );
        r.register(
            "capctl_reconcile_fixes",
            "What reconcile fixed, by kind",
            m.fixes.clone(),
        );
        r.register(
            "capctl_reconcile_last_pass_duration_seconds",
            "Duration of the last pass",
            m.last_duration.clone(),
        );
        r.register(
            "capctl_reconcile_last_pass_timestamp_seconds",
            "Unix time of the last pass (0 before the first)",
            m.last_pass_unix.clone(),
        );
        r.register(
            "capctl_reconcile_drift",
            "1 when the last pass found drift",
            m.drift.clone(),
        );
        r.register(
            "capctl_reconcile_drift_streak",
            "Passes in a row, up to the last, that found drift",
            m.drift_streak.clone(),
        );
        r.register(
            "capctl_reconcile_active",
            "1 when this daemon holds the lease and runs passes, 0 while it stands by",
            m.active.clone(),
        );
        r.register(
            "capctl_reconcile_interval_seconds",
            "Time between passes (--interval)",
            m.interval.clone(),
        );
        r.register(
            "capctl_presence_live",
            "Live leases per room at the last pass",
            m.live.clone(),
        );
        r.register(
            "capctl_presence_limit",
            "Limit per room at the last pass (rooms without a limit left out)",
            m.limit.clone(),
        );
        m
    }

    pub fn record(&self, r: &ReconcileReport) {
        self.passes.inc();
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
            self.fixes.get_or_create(&KindLabel { kind }).inc_by(n);
        }
        self.last_duration
            .set(Duration::from_millis(r.duration_ms).as_secs_f64());
        self.last_pass_unix.set(chrono::Utc::now().timestamp());
        self.drift.set(i64::from(r.drift));
        if r.drift {
            self.drift_streak.inc();
        } else {
            self.drift_streak.set(0);
        }
        let mut now = HashSet::new();
        for o in &r.occupancy {
            let labels = RoomLabels {
                kind: o.room.kind(),
                room: o.room.id().to_string(),
            };
            self.live.get_or_create(&labels).set(o.live as i64);
            if let Some(limit) = o.limit {
                self.limit.get_or_create(&labels).set(limit as i64);
            } else {
                self.limit.remove(&labels);
            }
            now.insert(labels);
        }
        // Rooms gone since the last pass must not linger (set first, then drop: a scrape in
        // between never sees the families empty).
        let mut rooms = self.rooms.lock().expect("metrics rooms");
        for gone in rooms.difference(&now) {
            self.live.remove(gone);
            self.limit.remove(gone);
        }
        *rooms = now;
    }

    pub fn record_failure(&self) {
        self.failures.inc();
    }

    pub fn set_active(&self, active: bool) {
        self.active.set(i64::from(active));
    }
}
