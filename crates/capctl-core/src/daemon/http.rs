//! The daemons' HTTP endpoints, served by axum (hyper underneath: keep-alive, HEAD and malformed
//! requests are handled there) on the `--metrics-addr` address:
//!
//! - `/metrics` (and `/`): the registry in the OpenMetrics text format (prometheus-client);
//! - `/livez`: 200 while the process runs;
//! - `/readyz`: 200 when every backend the daemon uses answers, 503 naming the ones that do not.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;

use crate::backends::Backends;
use crate::config::Settings;

/// The OpenMetrics content type Prometheus negotiates for this format.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Longest a readiness probe waits for one backend.
const PROBE_WAIT: Duration = Duration::from_secs(2);

/// Answers whether the backends a daemon uses answer, over connections of its own (so a probe
/// never waits behind the daemon's work, and a backend back up is seen at the next probe).
pub struct Readiness {
    backends: Backends,
    redis: bool,
}

impl Readiness {
    /// `redis`: whether the daemon uses Redis (the deliverer needs PostgreSQL only).
    pub fn new(settings: &Settings, redis: bool) -> Self {
        Self {
            backends: Backends::with_pool_size(settings.clone(), 1),
            redis,
        }
    }

    /// One line per backend, and whether all answered.
    pub async fn check(&self) -> (bool, String) {
        let pg = tokio::time::timeout(PROBE_WAIT, async {
            let pool = self.backends.pg().await?;
            sqlx::query("SELECT 1").execute(pool).await?;
            crate::Result::Ok(())
        })
        .await;
        let mut ok = true;
        let mut body = String::new();
        let mut line = |name: &str, answered: std::result::Result<(), String>| match answered {
            Ok(()) => body.push_str(&format!("{name}: ok\n")),
            Err(e) => {
                ok = false;
                body.push_str(&format!("{name}: {e}\n"));
            }
        };
        line("postgres", flatten(pg));
        if self.redis {
            let redis = tokio::time::timeout(PROBE_WAIT, async {
                let mut conn = self.backends.redis().await?.clone();
                redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .map_err(crate::Error::from)?;
                crate::Result::Ok(())
            })
            .await;
            line("redis", flatten(redis));
        }
        (ok, body)
    }
}

fn flatten(
    r: std::result::Result<crate::Result<()>, tokio::time::error::Elapsed>,
) -> std::result::Result<(), String> {
    match r {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(crate::config::redact(&e.to_string())),
        Err(_) => Err(format!("no answer within {PROBE_WAIT:?}")),
    }
}

struct Shared {
    registry: Registry,
    readiness: Readiness,
}

/// Serves the endpoints until the process ends.
pub async fn serve(listener: TcpListener, registry: Registry, readiness: Readiness) {
    let shared = Arc::new(Shared {
        registry,
        readiness,
    });
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/", get(metrics))
        .route("/livez", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found; try /metrics, /livez or /readyz\n",
            )
        })
        .with_state(shared);
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!("the metrics server stopped: {e}");
    }
}

async fn metrics(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let mut body = String::new();
    match prometheus_client::encoding::text::encode(&mut body, &shared.registry) {
        Ok(()) => (StatusCode::OK, [(header::CONTENT_TYPE, OPENMETRICS)], body),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("cannot render the metrics: {e}\n"),
        ),
    }
}

async fn readyz(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let (ok, body) = shared.readiness.check().await;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}
