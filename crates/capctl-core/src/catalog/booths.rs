//! Expo booths of an event and their visitor limits (presence enforces them live).

use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::catalog::events::{duplicate_as_invalid, require_event};
use crate::ids::{BoothId, EventId, validate_capacity, validate_name, validate_optional_text};
use crate::{Error, Missing, Result};

#[derive(Debug, Clone)]
pub struct NewBooth {
    pub event_id: EventId,
    pub id: Option<BoothId>,
    pub name: String,
    pub tier: Option<String>,
    pub max_visitors: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Booth {
    pub booth_id: BoothId,
    pub event_id: EventId,
    pub name: String,
    pub tier: Option<String>,
    pub max_visitors: Option<i32>,
}

const BOOTH_SELECT: &str =
    "SELECT id AS booth_id, event_id, name, tier, max_visitors FROM expo_booths";

pub async fn create_booth(pool: &PgPool, new: NewBooth) -> Result<Booth> {
    let id = new.id.unwrap_or_else(BoothId::generate);
    let name = validate_name("booth name", &new.name)?;
    let tier = validate_optional_text("tier", new.tier.as_deref())?;
    let max = new
        .max_visitors
        .map(|n| validate_capacity("max visitors", n))
        .transpose()?;
    require_event(pool, &new.event_id).await?;
    sqlx::query("INSERT INTO expo_booths (id, event_id, name, tier, max_visitors) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&new.event_id)
        .bind(&name)
        .bind(tier)
        .bind(max)
        .execute(pool)
        .await
        .map_err(|e| duplicate_as_invalid(e, "booth", &id))?;
    get_booth(pool, &id).await
}

pub async fn get_booth(pool: &PgPool, booth_id: &BoothId) -> Result<Booth> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{BOOTH_SELECT} WHERE id = $1")))
        .bind(booth_id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::Booth(booth_id.clone())))
}

pub async fn list_booths(pool: &PgPool, event_id: &EventId) -> Result<Vec<Booth>> {
    require_event(pool, event_id).await?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BOOTH_SELECT} WHERE event_id = $1 ORDER BY name, id"
    )))
    .bind(event_id)
    .fetch_all(pool)
    .await?)
}

/// Sets or clears a booth's visitor limit (`None` = unlimited).
/// Takes any executor, so a caller may hold the booth's row lock while it updates a cache.
pub async fn set_max_visitors(
    db: impl sqlx::PgExecutor<'_>,
    booth_id: &BoothId,
    max: Option<i64>,
) -> Result<()> {
    let max = max
        .map(|n| validate_capacity("max visitors", n))
        .transpose()?;
    let updated = sqlx::query("UPDATE expo_booths SET max_visitors = $2 WHERE id = $1")
        .bind(booth_id)
        .bind(max)
        .execute(db)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::NotFound(Missing::Booth(booth_id.clone())));
    }
    Ok(())
}
