//! Prometheus metrics of an outbox deliverer (`outbox deliver --watch --metrics-addr`), kept in
//! a prometheus-client registry and served by [`crate::daemon::serve`].

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::DeliverReport;

#[derive(Debug, Clone, Default)]
pub struct DeliverMetrics {
    delivered: Counter,
    failed: Counter,
    left_pending: Counter,
    rounds: Counter,
    round_failures: Counter,
    last_round_unix: Gauge,
    active: Gauge,
}

impl DeliverMetrics {
    pub fn register(registry: &mut Registry) -> Self {
        let m = Self::default();
        let r = registry;
        r.register(
            "capctl_outbox_delivered",
            "Notifications the webhook answered with a 2xx",
            m.delivered.clone(),
        );
        r.register(
            "capctl_outbox_failed",
            "Notifications the webhook refused (4xx): marked failed, never sent again",
            m.failed.clone(),
        );
        r.register(
            "capctl_outbox_left_pending",
            "Notifications tried and left pending (connection errors, timeouts, 5xx after retries)",
            m.left_pending.clone(),
        );
        r.register(
            "capctl_outbox_rounds",
            "Delivery rounds that sent something",
            m.rounds.clone(),
        );
        r.register(
            "capctl_outbox_round_failures",
            "Delivery rounds that failed (PostgreSQL unreachable)",
            m.round_failures.clone(),
        );
        r.register(
            "capctl_outbox_last_round_timestamp_seconds",
            "Unix time of the last round that sent something (0 before the first)",
            m.last_round_unix.clone(),
        );
        r.register(
            "capctl_outbox_active",
            "1 when this deliverer holds the lease and delivers, 0 while it stands by",
            m.active.clone(),
        );
        m
    }

    pub fn record(&self, round: &DeliverReport) {
        self.rounds.inc();
        self.delivered.inc_by(round.delivered);
        self.failed.inc_by(round.failed);
        self.left_pending.inc_by(round.left_pending);
        self.last_round_unix.set(chrono::Utc::now().timestamp());
    }

    pub fn record_failure(&self) {
        self.round_failures.inc();
    }

    pub fn set_active(&self, active: bool) {
        self.active.set(i64::from(active));
    }
}
