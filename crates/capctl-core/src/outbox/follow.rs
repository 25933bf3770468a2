//! Following the outbox: wait for the doorbell (LISTEN/NOTIFY), then read what is new.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::{Duration, Instant};

use sqlx::PgPool;

use super::doorbell::{Doorbell, FALLBACK_WAKE};
use super::{OutboxFilter, OutboxRow, list_excluding};
use crate::Result;

/// Ids are taken at insert and committed in any order, so a smaller id may appear after a larger
/// one. A hole in the ids is waited for this long, then taken for a rolled-back insert.
const GAP_WAIT: Duration = Duration::from_secs(30);
/// Most committed ids read per round to move the floor.
const COMMITTED_WINDOW: i64 = 10_000;

/// Hands every row matching `filter` with an id after `filter.after` to `each`, in id order as
/// they commit, until `stop` resolves. Listens (and registers) before the first read, so nothing
/// committed in between is missed.
pub async fn follow(
    pool: &PgPool,
    filter: &OutboxFilter,
    stop: impl Future<Output = ()>,
    mut each: impl FnMut(&OutboxRow) -> Result<()>,
) -> Result<()> {
    filter.validate()?;
    let mut bell = Doorbell::open(pool).await?;
    let mut window = Window::new(filter.after.unwrap_or(0));
    let page = OutboxFilter {
        limit: Some(1000),
        ..filter.clone()
    };
    tokio::pin!(stop);
    loop {
        // Ids committed now, before the rows are read: each of them is then either printed or
        // left out by the filter, so the floor may pass it.
        let committed = committed_after(pool, window.floor).await?;
        loop {
            let seen: Vec<i64> = window.seen.iter().copied().collect();
            let rows = list_excluding(pool, &page, window.floor, &seen).await?;
            let full = rows.len() as i64 == page.limit.unwrap_or(i64::MAX);
            for row in &rows {
                each(row)?;
                window.seen.insert(row.id);
            }
            if !full {
                break;
            }
        }
        window.advance(&committed);
        tokio::select! {
            biased;
            () = &mut stop => break,
            () = bell.wait(pool, FALLBACK_WAKE) => {}
        }
    }
    bell.close().await;
    Ok(())
}

/// Ids committed above `floor`, whatever their kind (a bounded window).
async fn committed_after(pool: &PgPool, floor: i64) -> Result<BTreeSet<i64>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM capctl_outbox WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(floor)
            .bind(COMMITTED_WINDOW)
            .fetch_all(pool)
            .await?;
    Ok(ids.into_iter().collect())
}

/// What the follower has handled: every id up to `floor`, plus the printed `seen` above it.
struct Window {
    floor: i64,
    seen: BTreeSet<i64>,
    /// Ids missing below a committed one, and when each was first noticed.
    holes: BTreeMap<i64, Instant>,
}

impl Window {
    fn new(floor: i64) -> Self {
        Self {
            floor,
            seen: BTreeSet::new(),
            holes: BTreeMap::new(),
        }
    }

    /// Moves the floor over ids committed (and so handled) and over holes older than GAP_WAIT.
    fn advance(&mut self, committed: &BTreeSet<i64>) {
        let last_committed = committed.last().copied().unwrap_or(self.floor);
        // A full window says nothing of the ids past its end: judge holes up to it only.
        let top = if committed.len() >= COMMITTED_WINDOW as usize {
            last_committed
        } else {
            last_committed.max(self.seen.last().copied().unwrap_or(self.floor))
        };
        let now = Instant::now();
        while self.floor < top {
            let next = self.floor + 1;
            if !committed.contains(&next) && !self.seen.contains(&next) {
                let since = *self.holes.entry(next).or_insert(now);
                if now.duration_since(since) < GAP_WAIT {
                    break;
                }
            }
            self.seen.remove(&next);
            self.holes.remove(&next);
            self.floor = next;
        }
        // Later holes keep their first-noticed time, so each waits GAP_WAIT once, not in turn.
        for id in self.floor + 1..=top {
            if !committed.contains(&id) && !self.seen.contains(&id) {
                self.holes.entry(id).or_insert(now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[i64]) -> BTreeSet<i64> {
        ids.iter().copied().collect()
    }

    #[test]
    fn the_floor_passes_committed_ids_and_waits_at_a_hole() {
        let mut w = Window::new(0);
        w.seen.extend([1, 2, 4]);
        // 3 is not committed yet (in flight, or rolled back): the floor stops before it.
        w.advance(&set(&[1, 2, 4]));
        assert_eq!(w.floor, 2);
        assert_eq!(w.seen, set(&[4]));
        assert!(w.holes.contains_key(&3));
        // 3 commits (the follower printed it, or the filter left it out): the floor moves on.
        w.advance(&set(&[3, 4]));
        assert_eq!(w.floor, 4);
        assert!(w.seen.is_empty() && w.holes.is_empty());
    }

    #[test]
    fn an_old_hole_is_taken_for_a_rollback() {
        let mut w = Window::new(10);
        w.seen.insert(12);
        w.holes.insert(11, Instant::now() - GAP_WAIT);
        w.advance(&set(&[12]));
        assert_eq!(w.floor, 12);
        assert!(w.holes.is_empty());
    }
}
