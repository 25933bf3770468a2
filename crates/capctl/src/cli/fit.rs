//! Human tables that fit the terminal: each column has a priority, and on a terminal too
//! narrow for all of them the lowest-priority columns give way first (the rightmost of equal
//! priority first); one flexible column (a title) is then cut to the width left, so every row
//! stays one line. Piped output (no terminal width) keeps every column and every character.

use comfy_table::{Cell, ColumnConstraint, Width};

use crate::cli::output::table;

/// How readily a column gives way: `Keep` never, then `High` < `Medium` < `Low` (first to go).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Keep,
    High,
    Medium,
    Low,
}

pub struct Column {
    pub header: &'static str,
    pub priority: Priority,
    /// Cut to the width left over (at least [`MIN_FLEX`]) instead of giving way.
    pub flex: bool,
}

pub const fn col(header: &'static str, priority: Priority) -> Column {
    Column {
        header,
        priority,
        flex: false,
    }
}

/// The flexible column (at most one per table).
pub const fn flex(header: &'static str) -> Column {
    Column {
        header,
        priority: Priority::Keep,
        flex: true,
    }
}

const MIN_FLEX: usize = 14;

/// Borders and padding a table with `n` columns adds to its cells' widths (`│ a │ b │`).
fn chrome(n: usize) -> usize {
    3 * n + 1
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Renders `rows` under `columns` within `width` columns of terminal (`None`: unbounded).
pub fn render(columns: &[Column], rows: &[Vec<String>], width: Option<usize>) -> String {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| chars(&r[i]))
                .chain([chars(c.header)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let mut flex_width = None;
    if let Some(width) = width {
        let fits = |shown: &[usize]| {
            let cells: usize = shown
                .iter()
                .map(|&i| {
                    if columns[i].flex {
                        natural[i].min(MIN_FLEX)
                    } else {
                        natural[i]
                    }
                })
                .sum();
            cells + chrome(shown.len()) <= width
        };
        while !fits(&shown) {
            // The lowest priority, rightmost first; `Keep` columns never go.
            let Some(pos) = shown
                .iter()
                .enumerate()
                .filter(|(_, i)| columns[**i].priority != Priority::Keep)
                .max_by_key(|(pos, i)| (columns[**i].priority, *pos))
                .map(|(pos, _)| pos)
            else {
                break;
            };
            shown.remove(pos);
        }
        if let Some(&f) = shown.iter().find(|&&i| columns[i].flex) {
            let others: usize = shown.iter().filter(|&&i| i != f).map(|&i| natural[i]).sum();
            let left = width
                .saturating_sub(others + chrome(shown.len()))
                .max(MIN_FLEX);
            flex_width = Some((f, left.min(natural[f])));
        }
    }
    let mut t = table(shown.iter().map(|&i| columns[i].header));
    for row in rows {
        t.add_row(shown.iter().map(|&i| {
            let text = &row[i];
            match flex_width {
                Some((f, w)) if f == i && chars(text) > w => {
                    let cut: String = text.chars().take(w.saturating_sub(1)).collect();
                    Cell::new(format!("{cut}~"))
                }
                _ => Cell::new(text),
            }
        }));
    }
    if let Some(width) = width {
        // Cells are cut to fit already; tell comfy-table not to wrap them again.
        for (pos, &i) in shown.iter().enumerate() {
            if let Some(column) = t.column_mut(pos) {
                let w = match flex_width {
                    Some((f, w)) if f == i => w,
                    _ => natural[i],
                };
                // The width comfy-table fixes includes the column's padding (one space each side).
                column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w as u16 + 2)));
            }
        }
        let _ = width;
    }
    t.to_string()
}

/// The terminal's width when stdout is one.
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    comfy_table::Table::new().width().map(usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![vec![
            "s1".into(),
            "A very long session title indeed".into(),
            "06-01 09:00-10:00".into(),
            "Main hall".into(),
        ]]
    }

    const COLS: [Column; 4] = [
        col("session", Priority::Keep),
        flex("title"),
        col("when", Priority::High),
        col("room", Priority::Low),
    ];

    #[test]
    fn columns_give_way_by_priority_and_the_flex_column_is_cut() {
        let wide = render(&COLS, &rows(), None);
        assert!(wide.contains("Main hall") && wide.contains("indeed"));
        let narrow = render(&COLS, &rows(), Some(56));
        assert!(narrow.lines().all(|l| l.chars().count() <= 56), "{narrow}");
        assert!(
            !narrow.contains("room") && narrow.contains("when"),
            "{narrow}"
        );
        assert!(narrow.contains('~'), "{narrow}");
        let tiny = render(&COLS, &rows(), Some(30));
        assert!(tiny.lines().all(|l| l.chars().count() <= 30), "{tiny}");
        assert!(tiny.contains("session"), "{tiny}");
    }
}
