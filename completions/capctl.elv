
use builtin;
use str;

set edit:completion:arg-completer[capctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'capctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'capctl'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand migrate 'Create or upgrade the database schema'
            cand event 'Events and their registrations'
            cand session 'Sessions, RSVPs, waitlists and capacities'
            cand schedule 'A user''s personal schedule for an event'
            cand booth 'Expo booths and their visitors'
            cand stream 'Viewers of an event''s live stream'
            cand export-rsvps 'Export RSVPs as CSV'
            cand reconcile 'Repair counters, expire leases and offers; --check only reports'
            cand outbox 'Notifications of seat changes: list them, deliver them to a webhook'
            cand reminders 'Queue one reminder per confirmed RSVP of sessions starting soon (once each)'
            cand demo 'Build a demo event and walk through every rule'
            cand bench 'Measure throughput and latency, then check invariants'
            cand completions 'Print a shell completion script'
            cand doctor 'Check both backends, the schema, the Redis scripts, the clocks and the cached limits'
            cand config 'The effective settings and where each came from'
            cand manpages 'Write the man pages into a directory (packaging)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;migrate'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --create-database 'Create the database first if it does not exist'
            cand --dry-run 'List the migrations that would be applied (and the database that would be created); change nothing'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;event'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create an event'
            cand list 'List events'
            cand show 'Show one event'
            cand register 'Register a user for an event (idempotent; respects --max-attendees)'
            cand import-registrations 'Register users from a CSV file with header user_id,name,email (all or nothing)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;event;create'= {
            cand --name 'Event name'
            cand --starts-at 'Start, RFC 3339 (2026-12-01T09:00:00Z)'
            cand --ends-at 'End, RFC 3339'
            cand --id 'Your own id (default: evt_<random>)'
            cand --max-attendees 'Cap on registrations (default: unlimited)'
            cand --max-viewers 'Cap on concurrent stream viewers (default: unlimited)'
            cand --max-devices 'Most devices one viewer may watch on at once; 0 removes the cap'
            cand --device-policy 'At the device cap: refuse the new device (exit 3), or evict-oldest (drop the viewer''s least recently refreshed device, whose next heartbeat reports it lost) [default: refuse]'
            cand --grace 'How long a lapsed lease stays reserved for its owner: their heartbeat or rejoin within it gets the slot back without a capacity check; 0s = none [default: 0s]'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;event;list'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;event;show'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;event;register'= {
            cand --event 'Event id'
            cand --user 'User id'
            cand --name 'Display name'
            cand --email 'Email address'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;event;import-registrations'= {
            cand --event 'Event id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --dry-run 'Check the file and report what would be imported; change nothing'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;event;help'= {
            cand create 'Create an event'
            cand list 'List events'
            cand show 'Show one event'
            cand register 'Register a user for an event (idempotent; respects --max-attendees)'
            cand import-registrations 'Register users from a CSV file with header user_id,name,email (all or nothing)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;event;help;create'= {
        }
        &'capctl;event;help;list'= {
        }
        &'capctl;event;help;show'= {
        }
        &'capctl;event;help;register'= {
        }
        &'capctl;event;help;import-registrations'= {
        }
        &'capctl;event;help;help'= {
        }
        &'capctl;session'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a session of an event'
            cand list 'The organizer dashboard: seats of every session of an event'
            cand set-capacity 'Change a session''s capacity (raising it offers seats to the waitlist at once)'
            cand rsvp 'RSVP a user: confirmed, waitlisted when full, or refused'
            cand cancel 'Cancel a user''s RSVP; the freed seat is offered to the next in line'
            cand waitlist 'Show a session''s waitlist in order'
            cand check-in 'Let a user in at the door: a held seat is honoured, anyone else only into a free seat'
            cand check-out 'A user leaves the room; the seat is kept for re-entry (idempotent)'
            cand release-no-shows 'Release confirmed seats not checked in (from the start) to the people at the door'
            cand join 'Join a virtual session (refused at its capacity; a repeat refreshes the lease)'
            cand heartbeat 'Extend a virtual session attendee''s lease; an expired lease is reported lost'
            cand leave 'Leave a virtual session (idempotent)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;session;create'= {
            cand --event 'Event id'
            cand --title 'Session title'
            cand --starts-at 'Start, RFC 3339'
            cand --ends-at 'End, RFC 3339'
            cand --id 'Your own id (default: ses_<random>)'
            cand --max-participants 'Seats (default: unlimited)'
            cand --room 'Room shown in schedules'
            cand --offer-ttl 'How long a freed seat is held for the next in line'
            cand --no-show-grace 'Release confirmed seats not checked in this long after the start (default: never)'
            cand --format 'in-person (seats: RSVP, waitlist, check-in) or virtual (joins, limited to the capacity)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --no-waitlist 'Refuse RSVPs when full instead of queueing them'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;list'= {
            cand --event 'Event id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;set-capacity'= {
            cand --session 'Session id'
            cand --max 'New limit'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --unlimited 'Remove the limit'
            cand --force 'Allow a capacity below the seats already taken (nobody is removed; nobody new admitted)'
            cand --dry-run 'Report what would change (offers that would be sent) and change nothing'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;rsvp'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --allow-overlap 'Confirm even if it overlaps another confirmed session of the user'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;cancel'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;waitlist'= {
            cand --session 'Session id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;check-in'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;check-out'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;release-no-shows'= {
            cand --session 'Session id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;join'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --ttl 'Lease length: the attendee counts as connected this long without a heartbeat [default: 60s]'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;heartbeat'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --ttl 'Lease length: the attendee counts as connected this long without a heartbeat [default: 60s]'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;leave'= {
            cand --session 'Session id'
            cand --user 'User id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;session;help'= {
            cand create 'Create a session of an event'
            cand list 'The organizer dashboard: seats of every session of an event'
            cand set-capacity 'Change a session''s capacity (raising it offers seats to the waitlist at once)'
            cand rsvp 'RSVP a user: confirmed, waitlisted when full, or refused'
            cand cancel 'Cancel a user''s RSVP; the freed seat is offered to the next in line'
            cand waitlist 'Show a session''s waitlist in order'
            cand check-in 'Let a user in at the door: a held seat is honoured, anyone else only into a free seat'
            cand check-out 'A user leaves the room; the seat is kept for re-entry (idempotent)'
            cand release-no-shows 'Release confirmed seats not checked in (from the start) to the people at the door'
            cand join 'Join a virtual session (refused at its capacity; a repeat refreshes the lease)'
            cand heartbeat 'Extend a virtual session attendee''s lease; an expired lease is reported lost'
            cand leave 'Leave a virtual session (idempotent)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;session;help;create'= {
        }
        &'capctl;session;help;list'= {
        }
        &'capctl;session;help;set-capacity'= {
        }
        &'capctl;session;help;rsvp'= {
        }
        &'capctl;session;help;cancel'= {
        }
        &'capctl;session;help;waitlist'= {
        }
        &'capctl;session;help;check-in'= {
        }
        &'capctl;session;help;check-out'= {
        }
        &'capctl;session;help;release-no-shows'= {
        }
        &'capctl;session;help;join'= {
        }
        &'capctl;session;help;heartbeat'= {
        }
        &'capctl;session;help;leave'= {
        }
        &'capctl;session;help;help'= {
        }
        &'capctl;schedule'= {
            cand --event 'Event id'
            cand --user 'User id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --ics 'Write an iCalendar (RFC 5545) file to stdout instead of a table'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create an expo booth'
            cand set-capacity 'Change a booth''s visitor limit'
            cand enter 'A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)'
            cand heartbeat 'Extend a visitor''s lease; an expired lease is reported lost'
            cand leave 'A visitor leaves (idempotent)'
            cand visitors 'Visitors inside booths now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;booth;create'= {
            cand --event 'Event id'
            cand --name 'Booth name'
            cand --id 'Your own id (default: booth_<random>)'
            cand --tier 'Sponsor tier, e.g. gold'
            cand --max-visitors 'Visitors allowed inside at once (default: unlimited)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth;set-capacity'= {
            cand --booth 'Booth id'
            cand --max 'New limit'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --unlimited 'Remove the limit'
            cand --dry-run 'Report what would change and change nothing'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth;enter'= {
            cand --booth 'Booth id'
            cand --user 'Visitor''s user id'
            cand --ttl 'Lease length: the visitor counts as inside this long without a heartbeat; a queue place lasts as long without a repeat [default: 60s]'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --queue 'When full, take a place in the booth''s line (exit 4 with the position); repeat the call to keep the place: the head of the line is admitted by it once a slot is free'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth;heartbeat'= {
            cand --booth 'Booth id'
            cand --user 'Visitor''s user id'
            cand --ttl 'New lease length (default: the lease keeps its own, the one it was granted)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth;leave'= {
            cand --booth 'Booth id'
            cand --user 'Visitor''s user id'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth;visitors'= {
            cand --booth 'One booth'
            cand --event 'Every booth of an event'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;booth;help'= {
            cand create 'Create an expo booth'
            cand set-capacity 'Change a booth''s visitor limit'
            cand enter 'A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)'
            cand heartbeat 'Extend a visitor''s lease; an expired lease is reported lost'
            cand leave 'A visitor leaves (idempotent)'
            cand visitors 'Visitors inside booths now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;booth;help;create'= {
        }
        &'capctl;booth;help;set-capacity'= {
        }
        &'capctl;booth;help;enter'= {
        }
        &'capctl;booth;help;heartbeat'= {
        }
        &'capctl;booth;help;leave'= {
        }
        &'capctl;booth;help;visitors'= {
        }
        &'capctl;booth;help;help'= {
        }
        &'capctl;stream'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set-limit 'Set or remove an event''s concurrent-viewer limit, and its access policies (device cap, device policy, grace)'
            cand join 'A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)'
            cand heartbeat 'Extend a viewer''s lease; an expired lease is reported lost'
            cand leave 'A viewer leaves (idempotent)'
            cand viewers 'Viewers of streams now; --watch redraws until Ctrl-C'
            cand script 'Print a presence Lua script as Redis receives it (for redis-benchmark and other services)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;stream;set-limit'= {
            cand --event 'Event id'
            cand --max 'New limit of concurrent viewers (each of a viewer''s devices counts)'
            cand --max-devices 'Most devices one viewer may watch on at once; 0 removes the cap'
            cand --device-policy 'At the device cap: refuse the new device (exit 3), or evict-oldest (drop the viewer''s least recently refreshed device, whose next heartbeat reports it lost) [default: refuse]'
            cand --grace 'How long a lapsed lease stays reserved for its owner: their heartbeat or rejoin within it gets the slot back without a capacity check; 0s = none [default: 0s]'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --unlimited 'Remove the limit'
            cand --dry-run 'Report what would change and change nothing'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;stream;join'= {
            cand --event 'Event id'
            cand --viewer 'Viewer id (a user id)'
            cand --device 'The viewer''s device (default: the viewer id alone, one device); the stream''s device cap counts a viewer''s devices'
            cand --ttl 'Lease length: the viewer counts as watching this long without a heartbeat; a queue place lasts as long without a repeat [default: 60s]'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --queue 'When full, take a place in the stream''s queue (exit 4 with the position); repeat the call to keep the place: the head of the queue is admitted by it once a slot is free'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;stream;heartbeat'= {
            cand --event 'Event id'
            cand --viewer 'Viewer id (a user id)'
            cand --device 'The viewer''s device (default: the viewer id alone, one device); the stream''s device cap counts a viewer''s devices'
            cand --ttl 'New lease length (default: the lease keeps its own, the one it was granted)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;stream;leave'= {
            cand --event 'Event id'
            cand --viewer 'Viewer id (a user id)'
            cand --device 'The viewer''s device (default: the viewer id alone, one device); the stream''s device cap counts a viewer''s devices'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;stream;viewers'= {
            cand --event 'One event (default: every event)'
            cand --interval 'Redraw interval with --watch'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --watch 'Redraw a live table until Ctrl-C'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;stream;script'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;stream;help'= {
            cand set-limit 'Set or remove an event''s concurrent-viewer limit, and its access policies (device cap, device policy, grace)'
            cand join 'A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)'
            cand heartbeat 'Extend a viewer''s lease; an expired lease is reported lost'
            cand leave 'A viewer leaves (idempotent)'
            cand viewers 'Viewers of streams now; --watch redraws until Ctrl-C'
            cand script 'Print a presence Lua script as Redis receives it (for redis-benchmark and other services)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;stream;help;set-limit'= {
        }
        &'capctl;stream;help;join'= {
        }
        &'capctl;stream;help;heartbeat'= {
        }
        &'capctl;stream;help;leave'= {
        }
        &'capctl;stream;help;viewers'= {
        }
        &'capctl;stream;help;script'= {
        }
        &'capctl;stream;help;help'= {
        }
        &'capctl;export-rsvps'= {
            cand --event 'Event id'
            cand --session 'Only this session'
            cand --status 'Only these statuses, comma separated (CONFIRMED,WAITLISTED,OFFERED,CANCELLED,EXPIRED)'
            cand -o 'Write to FILE atomically (temporary file, then rename) instead of stdout'
            cand --output 'Write to FILE atomically (temporary file, then rename) instead of stdout'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;reconcile'= {
            cand --interval 'Time between passes with --watch'
            cand --metrics-addr 'Serve /metrics, /livez and /readyz on this address with --watch (e.g. 127.0.0.1:9187)'
            cand --reminders-within 'Each pass also queues reminders for sessions starting within DUR (see `reminders`)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --watch 'Run as a daemon, one pass every --interval, until SIGINT/SIGTERM/SIGHUP. Of several daemons on one database, one is active (a PostgreSQL advisory lock); the others stand by'
            cand --check 'Change nothing; exit 8 when anything is off'
            cand --full 'Audit the seats of every session, ended ones too (by default a pass checks the sessions not yet ended: their cost follows what can still change, not the history)'
            cand --dry-run 'Report what one pass would fix and change nothing (exit 0; --check exits 8 on drift)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;outbox'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Notifications of seat changes, in id order; --follow prints new ones as they commit'
            cand deliver 'POST undelivered notifications to a webhook (signed with --secret); --watch follows'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;outbox;list'= {
            cand --event 'Only this event''s notifications'
            cand --session 'Only this session''s notifications'
            cand --kind 'Only these kinds (comma-separated): confirmed, waitlisted, offer_made, offer_expired, cancelled, capacity_changed, reminder'
            cand --after 'Only notifications with a larger id'
            cand --limit 'At most this many'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --follow 'Keep printing new notifications as JSON lines until SIGINT/SIGTERM'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;outbox;deliver'= {
            cand --webhook 'Where to POST each notification (http or https)'
            cand --secret 'Sign each body: X-Capctl-Signature: sha256=<hex HMAC-SHA256(secret, body)>'
            cand --metrics-addr 'Serve /metrics, /livez and /readyz on this address with --watch (e.g. 127.0.0.1:9188)'
            cand --batch 'Notifications claimed per transaction'
            cand --attempts 'Tries per notification in one run before it is left pending'
            cand --backoff 'Wait before the first retry, doubled after each (with jitter)'
            cand --retry-for 'Stop retrying a notification after this long'
            cand --timeout 'Time limit of one request'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --watch 'Keep delivering new notifications until SIGINT/SIGTERM. Of several deliverers on one database, one is active (a PostgreSQL advisory lock); the others stand by'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;outbox;help'= {
            cand list 'Notifications of seat changes, in id order; --follow prints new ones as they commit'
            cand deliver 'POST undelivered notifications to a webhook (signed with --secret); --watch follows'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;outbox;help;list'= {
        }
        &'capctl;outbox;help;deliver'= {
        }
        &'capctl;outbox;help;help'= {
        }
        &'capctl;reminders'= {
            cand --within 'Remind confirmed attendees of sessions starting within this long (e.g. 24h)'
            cand --event 'Only this event''s sessions'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;demo'= {
            cand --attendees 'Attendees to register (imported from a generated CSV)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;bench'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand rsvp 'RSVP rush on one hot session (and spread over --sessions)'
            cand stream 'Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it'
            cand export 'Export RSVPs to CSV'
            cand reconcile 'One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;bench;rsvp'= {
            cand --users 'Users rushing'
            cand --capacity 'Seats per session'
            cand --sessions 'Sessions the users spread over (1 = one hot session)'
            cand --concurrency 'Concurrent writers'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --keep 'Keep the benchmark''s event and rows instead of removing them'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;bench;stream'= {
            cand --viewers 'Viewers joining'
            cand --streams 'Streams the viewers spread over'
            cand --concurrency 'Concurrent callers'
            cand --drop 'Share of viewers that vanish without leaving'
            cand --limit 'Viewer limit per stream (default: viewers / streams, so everyone fits)'
            cand --ttl 'Lease length; the disconnect storm converges about one lease after it starts'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --keep 'Keep the benchmark''s events and Redis keys instead of removing them'
            cand --queued 'Also time queued joins (`stream join --queue`) of as many newcomers on the full streams, reported in details.queued_ops_per_sec (ops_per_sec stays plain joins)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;bench;export'= {
            cand --rows 'RSVP rows to export'
            cand --output 'Where the CSV goes (default: a temporary file)'
            cand --runs 'Exports of the same rows (p50/p99 are over whole exports)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --keep 'Keep the benchmark''s event and rows instead of removing them'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;bench;reconcile'= {
            cand --rooms 'Streams holding the leases'
            cand --leases 'Leases spread over the streams'
            cand --ttl 'Lease length: short (under 60s) = all expired when the pass runs; long = an idle pass'
            cand --passes 'Passes to time (p50/p99 are over passes; `seconds` is the first)'
            cand --ended-rsvps 'First seed this many RSVPs into sessions that ended a month ago (history an idle pass should not pay for)'
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --keep 'Keep the benchmark''s events and Redis keys instead of removing them'
            cand --full 'Time `reconcile --full` passes (every session audited, ended ones too)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;bench;help'= {
            cand rsvp 'RSVP rush on one hot session (and spread over --sessions)'
            cand stream 'Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it'
            cand export 'Export RSVPs to CSV'
            cand reconcile 'One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;bench;help;rsvp'= {
        }
        &'capctl;bench;help;stream'= {
        }
        &'capctl;bench;help;export'= {
        }
        &'capctl;bench;help;reconcile'= {
        }
        &'capctl;bench;help;help'= {
        }
        &'capctl;completions'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;doctor'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;config'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Print each effective setting, its value and its source (flag, env, .env, file, default)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;config;show'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;config;help'= {
            cand show 'Print each effective setting, its value and its source (flag, env, .env, file, default)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;config;help;show'= {
        }
        &'capctl;config;help;help'= {
        }
        &'capctl;manpages'= {
            cand --database-url 'PostgreSQL URL'
            cand --redis-url 'Redis URL'
            cand --redis-prefix 'Prefix of every Redis key capctl writes'
            cand --connect-timeout 'Longest wait for a connection to PostgreSQL or Redis'
            cand --statement-timeout 'Longest a PostgreSQL statement may run (bulk import and export are exempt)'
            cand --lock-timeout 'Longest wait for a row another PostgreSQL client has locked'
            cand --redis-timeout 'Longest wait for Redis to answer one command'
            cand --config 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]'
            cand --color 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never'
            cand --log-format 'Log lines on stderr as text, or as one JSON object each (for daemons)'
            cand --json 'Print one JSON document on stdout instead of tables'
            cand -v 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand -q 'Results only: no summaries, progress bars or warnings'
            cand --quiet 'Results only: no summaries, progress bars or warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'capctl;help'= {
            cand migrate 'Create or upgrade the database schema'
            cand event 'Events and their registrations'
            cand session 'Sessions, RSVPs, waitlists and capacities'
            cand schedule 'A user''s personal schedule for an event'
            cand booth 'Expo booths and their visitors'
            cand stream 'Viewers of an event''s live stream'
            cand export-rsvps 'Export RSVPs as CSV'
            cand reconcile 'Repair counters, expire leases and offers; --check only reports'
            cand outbox 'Notifications of seat changes: list them, deliver them to a webhook'
            cand reminders 'Queue one reminder per confirmed RSVP of sessions starting soon (once each)'
            cand demo 'Build a demo event and walk through every rule'
            cand bench 'Measure throughput and latency, then check invariants'
            cand completions 'Print a shell completion script'
            cand doctor 'Check both backends, the schema, the Redis scripts, the clocks and the cached limits'
            cand config 'The effective settings and where each came from'
            cand manpages 'Write the man pages into a directory (packaging)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'capctl;help;migrate'= {
        }
        &'capctl;help;event'= {
            cand create 'Create an event'
            cand list 'List events'
            cand show 'Show one event'
            cand register 'Register a user for an event (idempotent; respects --max-attendees)'
            cand import-registrations 'Register users from a CSV file with header user_id,name,email (all or nothing)'
        }
        &'capctl;help;event;create'= {
        }
        &'capctl;help;event;list'= {
        }
        &'capctl;help;event;show'= {
        }
        &'capctl;help;event;register'= {
        }
        &'capctl;help;event;import-registrations'= {
        }
        &'capctl;help;session'= {
            cand create 'Create a session of an event'
            cand list 'The organizer dashboard: seats of every session of an event'
            cand set-capacity 'Change a session''s capacity (raising it offers seats to the waitlist at once)'
            cand rsvp 'RSVP a user: confirmed, waitlisted when full, or refused'
            cand cancel 'Cancel a user''s RSVP; the freed seat is offered to the next in line'
            cand waitlist 'Show a session''s waitlist in order'
            cand check-in 'Let a user in at the door: a held seat is honoured, anyone else only into a free seat'
            cand check-out 'A user leaves the room; the seat is kept for re-entry (idempotent)'
            cand release-no-shows 'Release confirmed seats not checked in (from the start) to the people at the door'
            cand join 'Join a virtual session (refused at its capacity; a repeat refreshes the lease)'
            cand heartbeat 'Extend a virtual session attendee''s lease; an expired lease is reported lost'
            cand leave 'Leave a virtual session (idempotent)'
        }
        &'capctl;help;session;create'= {
        }
        &'capctl;help;session;list'= {
        }
        &'capctl;help;session;set-capacity'= {
        }
        &'capctl;help;session;rsvp'= {
        }
        &'capctl;help;session;cancel'= {
        }
        &'capctl;help;session;waitlist'= {
        }
        &'capctl;help;session;check-in'= {
        }
        &'capctl;help;session;check-out'= {
        }
        &'capctl;help;session;release-no-shows'= {
        }
        &'capctl;help;session;join'= {
        }
        &'capctl;help;session;heartbeat'= {
        }
        &'capctl;help;session;leave'= {
        }
        &'capctl;help;schedule'= {
        }
        &'capctl;help;booth'= {
            cand create 'Create an expo booth'
            cand set-capacity 'Change a booth''s visitor limit'
            cand enter 'A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)'
            cand heartbeat 'Extend a visitor''s lease; an expired lease is reported lost'
            cand leave 'A visitor leaves (idempotent)'
            cand visitors 'Visitors inside booths now'
        }
        &'capctl;help;booth;create'= {
        }
        &'capctl;help;booth;set-capacity'= {
        }
        &'capctl;help;booth;enter'= {
        }
        &'capctl;help;booth;heartbeat'= {
        }
        &'capctl;help;booth;leave'= {
        }
        &'capctl;help;booth;visitors'= {
        }
        &'capctl;help;stream'= {
            cand set-limit 'Set or remove an event''s concurrent-viewer limit, and its access policies (device cap, device policy, grace)'
            cand join 'A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)'
            cand heartbeat 'Extend a viewer''s lease; an expired lease is reported lost'
            cand leave 'A viewer leaves (idempotent)'
            cand viewers 'Viewers of streams now; --watch redraws until Ctrl-C'
            cand script 'Print a presence Lua script as Redis receives it (for redis-benchmark and other services)'
        }
        &'capctl;help;stream;set-limit'= {
        }
        &'capctl;help;stream;join'= {
        }
        &'capctl;help;stream;heartbeat'= {
        }
        &'capctl;help;stream;leave'= {
        }
        &'capctl;help;stream;viewers'= {
        }
        &'capctl;help;stream;script'= {
        }
        &'capctl;help;export-rsvps'= {
        }
        &'capctl;help;reconcile'= {
        }
        &'capctl;help;outbox'= {
            cand list 'Notifications of seat changes, in id order; --follow prints new ones as they commit'
            cand deliver 'POST undelivered notifications to a webhook (signed with --secret); --watch follows'
        }
        &'capctl;help;outbox;list'= {
        }
        &'capctl;help;outbox;deliver'= {
        }
        &'capctl;help;reminders'= {
        }
        &'capctl;help;demo'= {
        }
        &'capctl;help;bench'= {
            cand rsvp 'RSVP rush on one hot session (and spread over --sessions)'
            cand stream 'Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it'
            cand export 'Export RSVPs to CSV'
            cand reconcile 'One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)'
        }
        &'capctl;help;bench;rsvp'= {
        }
        &'capctl;help;bench;stream'= {
        }
        &'capctl;help;bench;export'= {
        }
        &'capctl;help;bench;reconcile'= {
        }
        &'capctl;help;completions'= {
        }
        &'capctl;help;doctor'= {
        }
        &'capctl;help;config'= {
            cand show 'Print each effective setting, its value and its source (flag, env, .env, file, default)'
        }
        &'capctl;help;config;show'= {
        }
        &'capctl;help;manpages'= {
        }
        &'capctl;help;help'= {
        }
    ]
    $completions[$command]
}
