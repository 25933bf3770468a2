//! Demo step: a line forms in front of the full booth and drains strictly in order.

use capctl_core::presence::{JoinOptions, LeaseStatus, Presence, Room};
use capctl_core::{Error, Result};

use super::{BOOTH_LEASE, BOOTH_LIMIT, Demo, unexpected};

/// People who join the line in front of the full booth.
const IN_LINE: usize = 3;

impl Demo<'_> {
    /// Visitors queue at the full booth (`booth enter --queue`); as people leave, everyone in
    /// line asks again, back of the line first, and each time only the head goes in.
    pub(super) async fn booth_queue(&mut self) -> Result<()> {
        let booth = Room::booth(&self.report.booth_id)?;
        let presence = Presence::new(self.b);
        let queue = JoinOptions {
            device: None,
            queue: true,
        };
        let first = BOOTH_LIMIT as usize + 1;
        let line: Vec<String> = (first..first + IN_LINE).map(|i| self.attendee(i)).collect();
        let mut positions = Vec::new();
        for who in &line {
            let a = presence.join_with(&booth, who, BOOTH_LEASE, &queue).await?;
            positions.push(
                a.position
                    .ok_or_else(|| unexpected("the full booth queued nobody"))?,
            );
        }
        self.step(&format!(
            "{IN_LINE} more visitors joined the line in front of booth {} (`booth enter --queue`, exit 4): positions {}.",
            self.report.booth_id,
            positions
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let mut went_in = Vec::new();
        for (n, waiting) in (1..=IN_LINE).zip((0..IN_LINE).map(|k| &line[k..])) {
            presence.leave(&booth, &self.attendee(n)).await?;
            for who in waiting.iter().rev() {
                let a = presence.join_with(&booth, who, BOOTH_LEASE, &queue).await?;
                if a.status == LeaseStatus::Admitted {
                    went_in.push(who.clone());
                }
            }
        }
        if went_in != line {
            return Err(unexpected(format!(
                "the line drained as {went_in:?}, not in its order {line:?}"
            )));
        }
        self.step(&format!(
            "Visitors left one at a time; each time everyone in line asked again, back of the line first, and only the head went in: {}, in the line's order.",
            went_in.join(", ")
        ));
        Ok::<(), Error>(())
    }
}
