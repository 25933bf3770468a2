# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_capctl_global_optspecs
    string join \n database-url= redis-url= redis-prefix= json v/verbose connect-timeout= statement-timeout= lock-timeout= redis-timeout= config= q/quiet color= log-format= h/help V/version
end

function __fish_capctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_capctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_capctl_using_subcommand
    set -l cmd (__fish_capctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c capctl -n "__fish_capctl_needs_command" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_needs_command" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_needs_command" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_needs_command" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_needs_command" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_needs_command" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_needs_command" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_needs_command" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_needs_command" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_needs_command" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_needs_command" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_needs_command" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_needs_command" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_needs_command" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "migrate" -d 'Create or upgrade the database schema'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "event" -d 'Events and their registrations'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "session" -d 'Sessions, RSVPs, waitlists and capacities'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "schedule" -d 'A user\'s personal schedule for an event'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "booth" -d 'Expo booths and their visitors'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "stream" -d 'Viewers of an event\'s live stream'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "export-rsvps" -d 'Export RSVPs as CSV'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "reconcile" -d 'Repair counters, expire leases and offers; --check only reports'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "outbox" -d 'Notifications of seat changes: list them, deliver them to a webhook'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "reminders" -d 'Queue one reminder per confirmed RSVP of sessions starting soon (once each)'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "demo" -d 'Build a demo event and walk through every rule'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "bench" -d 'Measure throughput and latency, then check invariants'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "doctor" -d 'Check both backends, the schema, the Redis scripts, the clocks and the cached limits'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "config" -d 'The effective settings and where each came from'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "manpages" -d 'Write the man pages into a directory (packaging)'
complete -c capctl -n "__fish_capctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l create-database -d 'Create the database first if it does not exist'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l dry-run -d 'List the migrations that would be applied (and the database that would be created); change nothing'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -f -a "create" -d 'Create an event'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -f -a "list" -d 'List events'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -f -a "show" -d 'Show one event'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -f -a "register" -d 'Register a user for an event (idempotent; respects --max-attendees)'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -f -a "import-registrations" -d 'Register users from a CSV file with header user_id,name,email (all or nothing)'
complete -c capctl -n "__fish_capctl_using_subcommand event; and not __fish_seen_subcommand_from create list show register import-registrations help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l name -d 'Event name' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l starts-at -d 'Start, RFC 3339 (2026-12-01T09:00:00Z)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l ends-at -d 'End, RFC 3339' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l id -d 'Your own id (default: evt_<random>)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l max-attendees -d 'Cap on registrations (default: unlimited)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l max-viewers -d 'Cap on concurrent stream viewers (default: unlimited)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l max-devices -d 'Most devices one viewer may watch on at once; 0 removes the cap' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l device-policy -d 'At the device cap: refuse the new device (exit 3), or evict-oldest (drop the viewer\'s least recently refreshed device, whose next heartbeat reports it lost) [default: refuse]' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l grace -d 'How long a lapsed lease stays reserved for its owner: their heartbeat or rejoin within it gets the slot back without a capacity check; 0s = none [default: 0s]' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l name -d 'Display name' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l email -d 'Email address' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from register" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l dry-run -d 'Check the file and report what would be imported; change nothing'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from import-registrations" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an event'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from help" -f -a "list" -d 'List events'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one event'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from help" -f -a "register" -d 'Register a user for an event (idempotent; respects --max-attendees)'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from help" -f -a "import-registrations" -d 'Register users from a CSV file with header user_id,name,email (all or nothing)'
complete -c capctl -n "__fish_capctl_using_subcommand event; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "create" -d 'Create a session of an event'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "list" -d 'The organizer dashboard: seats of every session of an event'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "set-capacity" -d 'Change a session\'s capacity (raising it offers seats to the waitlist at once)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "rsvp" -d 'RSVP a user: confirmed, waitlisted when full, or refused'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "cancel" -d 'Cancel a user\'s RSVP; the freed seat is offered to the next in line'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "waitlist" -d 'Show a session\'s waitlist in order'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "check-in" -d 'Let a user in at the door: a held seat is honoured, anyone else only into a free seat'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "check-out" -d 'A user leaves the room; the seat is kept for re-entry (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "release-no-shows" -d 'Release confirmed seats not checked in (from the start) to the people at the door'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "join" -d 'Join a virtual session (refused at its capacity; a repeat refreshes the lease)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "heartbeat" -d 'Extend a virtual session attendee\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "leave" -d 'Leave a virtual session (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and not __fish_seen_subcommand_from create list set-capacity rsvp cancel waitlist check-in check-out release-no-shows join heartbeat leave help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l title -d 'Session title' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l starts-at -d 'Start, RFC 3339' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l ends-at -d 'End, RFC 3339' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l id -d 'Your own id (default: ses_<random>)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l max-participants -d 'Seats (default: unlimited)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l room -d 'Room shown in schedules' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l offer-ttl -d 'How long a freed seat is held for the next in line' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l no-show-grace -d 'Release confirmed seats not checked in this long after the start (default: never)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l format -d 'in-person (seats: RSVP, waitlist, check-in) or virtual (joins, limited to the capacity)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l no-waitlist -d 'Refuse RSVPs when full instead of queueing them'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l max -d 'New limit' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l unlimited -d 'Remove the limit'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l force -d 'Allow a capacity below the seats already taken (nobody is removed; nobody new admitted)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l dry-run -d 'Report what would change (offers that would be sent) and change nothing'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from set-capacity" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l allow-overlap -d 'Confirm even if it overlaps another confirmed session of the user'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from rsvp" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from waitlist" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-in" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from check-out" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from release-no-shows" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l ttl -d 'Lease length: the attendee counts as connected this long without a heartbeat [default: 60s]' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from join" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l ttl -d 'Lease length: the attendee counts as connected this long without a heartbeat [default: 60s]' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from heartbeat" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l session -d 'Session id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from leave" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a session of an event'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "list" -d 'The organizer dashboard: seats of every session of an event'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "set-capacity" -d 'Change a session\'s capacity (raising it offers seats to the waitlist at once)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "rsvp" -d 'RSVP a user: confirmed, waitlisted when full, or refused'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel a user\'s RSVP; the freed seat is offered to the next in line'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "waitlist" -d 'Show a session\'s waitlist in order'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "check-in" -d 'Let a user in at the door: a held seat is honoured, anyone else only into a free seat'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "check-out" -d 'A user leaves the room; the seat is kept for re-entry (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "release-no-shows" -d 'Release confirmed seats not checked in (from the start) to the people at the door'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "join" -d 'Join a virtual session (refused at its capacity; a repeat refreshes the lease)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "heartbeat" -d 'Extend a virtual session attendee\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "leave" -d 'Leave a virtual session (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l user -d 'User id' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l ics -d 'Write an iCalendar (RFC 5545) file to stdout instead of a table'
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand schedule" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "create" -d 'Create an expo booth'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "set-capacity" -d 'Change a booth\'s visitor limit'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "enter" -d 'A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "heartbeat" -d 'Extend a visitor\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "leave" -d 'A visitor leaves (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "visitors" -d 'Visitors inside booths now'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and not __fish_seen_subcommand_from create set-capacity enter heartbeat leave visitors help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l name -d 'Booth name' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l id -d 'Your own id (default: booth_<random>)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l tier -d 'Sponsor tier, e.g. gold' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l max-visitors -d 'Visitors allowed inside at once (default: unlimited)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l booth -d 'Booth id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l max -d 'New limit' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l unlimited -d 'Remove the limit'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l dry-run -d 'Report what would change and change nothing'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from set-capacity" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l booth -d 'Booth id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l user -d 'Visitor\'s user id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l ttl -d 'Lease length: the visitor counts as inside this long without a heartbeat; a queue place lasts as long without a repeat [default: 60s]' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l queue -d 'When full, take a place in the booth\'s line (exit 4 with the position); repeat the call to keep the place: the head of the line is admitted by it once a slot is free'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from enter" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l booth -d 'Booth id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l user -d 'Visitor\'s user id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l ttl -d 'New lease length (default: the lease keeps its own, the one it was granted)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from heartbeat" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l booth -d 'Booth id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l user -d 'Visitor\'s user id' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from leave" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l booth -d 'One booth' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l event -d 'Every booth of an event' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from visitors" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an expo booth'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "set-capacity" -d 'Change a booth\'s visitor limit'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "enter" -d 'A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "heartbeat" -d 'Extend a visitor\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "leave" -d 'A visitor leaves (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "visitors" -d 'Visitors inside booths now'
complete -c capctl -n "__fish_capctl_using_subcommand booth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "set-limit" -d 'Set or remove an event\'s concurrent-viewer limit, and its access policies (device cap, device policy, grace)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "join" -d 'A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "heartbeat" -d 'Extend a viewer\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "leave" -d 'A viewer leaves (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "viewers" -d 'Viewers of streams now; --watch redraws until Ctrl-C'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "script" -d 'Print a presence Lua script as Redis receives it (for redis-benchmark and other services)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and not __fish_seen_subcommand_from set-limit join heartbeat leave viewers script help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l max -d 'New limit of concurrent viewers (each of a viewer\'s devices counts)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l max-devices -d 'Most devices one viewer may watch on at once; 0 removes the cap' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l device-policy -d 'At the device cap: refuse the new device (exit 3), or evict-oldest (drop the viewer\'s least recently refreshed device, whose next heartbeat reports it lost) [default: refuse]' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l grace -d 'How long a lapsed lease stays reserved for its owner: their heartbeat or rejoin within it gets the slot back without a capacity check; 0s = none [default: 0s]' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l unlimited -d 'Remove the limit'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l dry-run -d 'Report what would change and change nothing'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from set-limit" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l viewer -d 'Viewer id (a user id)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l device -d 'The viewer\'s device (default: the viewer id alone, one device); the stream\'s device cap counts a viewer\'s devices' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l ttl -d 'Lease length: the viewer counts as watching this long without a heartbeat; a queue place lasts as long without a repeat [default: 60s]' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l queue -d 'When full, take a place in the stream\'s queue (exit 4 with the position); repeat the call to keep the place: the head of the queue is admitted by it once a slot is free'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from join" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l viewer -d 'Viewer id (a user id)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l device -d 'The viewer\'s device (default: the viewer id alone, one device); the stream\'s device cap counts a viewer\'s devices' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l ttl -d 'New lease length (default: the lease keeps its own, the one it was granted)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from heartbeat" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l viewer -d 'Viewer id (a user id)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l device -d 'The viewer\'s device (default: the viewer id alone, one device); the stream\'s device cap counts a viewer\'s devices' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from leave" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l event -d 'One event (default: every event)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l interval -d 'Redraw interval with --watch' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l watch -d 'Redraw a live table until Ctrl-C'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from viewers" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from script" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "set-limit" -d 'Set or remove an event\'s concurrent-viewer limit, and its access policies (device cap, device policy, grace)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "join" -d 'A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "heartbeat" -d 'Extend a viewer\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "leave" -d 'A viewer leaves (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "viewers" -d 'Viewers of streams now; --watch redraws until Ctrl-C'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "script" -d 'Print a presence Lua script as Redis receives it (for redis-benchmark and other services)'
complete -c capctl -n "__fish_capctl_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l event -d 'Event id' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l session -d 'Only this session' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l status -d 'Only these statuses, comma separated (CONFIRMED,WAITLISTED,OFFERED,CANCELLED,EXPIRED)' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -s o -l output -d 'Write to FILE atomically (temporary file, then rename) instead of stdout' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand export-rsvps" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l interval -d 'Time between passes with --watch' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l metrics-addr -d 'Serve /metrics, /livez and /readyz on this address with --watch (e.g. 127.0.0.1:9187)' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l reminders-within -d 'Each pass also queues reminders for sessions starting within DUR (see `reminders`)' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l watch -d 'Run as a daemon, one pass every --interval, until SIGINT/SIGTERM/SIGHUP. Of several daemons on one database, one is active (a PostgreSQL advisory lock); the others stand by'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l check -d 'Change nothing; exit 8 when anything is off'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l full -d 'Audit the seats of every session, ended ones too (by default a pass checks the sessions not yet ended: their cost follows what can still change, not the history)'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l dry-run -d 'Report what one pass would fix and change nothing (exit 0; --check exits 8 on drift)'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -f -a "list" -d 'Notifications of seat changes, in id order; --follow prints new ones as they commit'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -f -a "deliver" -d 'POST undelivered notifications to a webhook (signed with --secret); --watch follows'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and not __fish_seen_subcommand_from list deliver help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l event -d 'Only this event\'s notifications' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l session -d 'Only this session\'s notifications' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l kind -d 'Only these kinds (comma-separated): confirmed, waitlisted, offer_made, offer_expired, cancelled, capacity_changed, reminder' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l after -d 'Only notifications with a larger id' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l limit -d 'At most this many' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l follow -d 'Keep printing new notifications as JSON lines until SIGINT/SIGTERM'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l webhook -d 'Where to POST each notification (http or https)' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l secret -d 'Sign each body: X-Capctl-Signature: sha256=<hex HMAC-SHA256(secret, body)>' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l metrics-addr -d 'Serve /metrics, /livez and /readyz on this address with --watch (e.g. 127.0.0.1:9188)' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l batch -d 'Notifications claimed per transaction' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l attempts -d 'Tries per notification in one run before it is left pending' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l backoff -d 'Wait before the first retry, doubled after each (with jitter)' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l retry-for -d 'Stop retrying a notification after this long' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l timeout -d 'Time limit of one request' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l watch -d 'Keep delivering new notifications until SIGINT/SIGTERM. Of several deliverers on one database, one is active (a PostgreSQL advisory lock); the others stand by'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from deliver" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'Notifications of seat changes, in id order; --follow prints new ones as they commit'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "deliver" -d 'POST undelivered notifications to a webhook (signed with --secret); --watch follows'
complete -c capctl -n "__fish_capctl_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l within -d 'Remind confirmed attendees of sessions starting within this long (e.g. 24h)' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l event -d 'Only this event\'s sessions' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand reminders" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l attendees -d 'Attendees to register (imported from a generated CSV)' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand demo" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand demo" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand demo" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand demo" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -f -a "rsvp" -d 'RSVP rush on one hot session (and spread over --sessions)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -f -a "stream" -d 'Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -f -a "export" -d 'Export RSVPs to CSV'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -f -a "reconcile" -d 'One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and not __fish_seen_subcommand_from rsvp stream export reconcile help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l users -d 'Users rushing' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l capacity -d 'Seats per session' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l sessions -d 'Sessions the users spread over (1 = one hot session)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l concurrency -d 'Concurrent writers' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l keep -d 'Keep the benchmark\'s event and rows instead of removing them'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from rsvp" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l viewers -d 'Viewers joining' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l streams -d 'Streams the viewers spread over' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l concurrency -d 'Concurrent callers' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l drop -d 'Share of viewers that vanish without leaving' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l limit -d 'Viewer limit per stream (default: viewers / streams, so everyone fits)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l ttl -d 'Lease length; the disconnect storm converges about one lease after it starts' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l keep -d 'Keep the benchmark\'s events and Redis keys instead of removing them'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l queued -d 'Also time queued joins (`stream join --queue`) of as many newcomers on the full streams, reported in details.queued_ops_per_sec (ops_per_sec stays plain joins)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from stream" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l rows -d 'RSVP rows to export' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l output -d 'Where the CSV goes (default: a temporary file)' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l runs -d 'Exports of the same rows (p50/p99 are over whole exports)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l keep -d 'Keep the benchmark\'s event and rows instead of removing them'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l rooms -d 'Streams holding the leases' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l leases -d 'Leases spread over the streams' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l ttl -d 'Lease length: short (under 60s) = all expired when the pass runs; long = an idle pass' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l passes -d 'Passes to time (p50/p99 are over passes; `seconds` is the first)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l ended-rsvps -d 'First seed this many RSVPs into sessions that ended a month ago (history an idle pass should not pay for)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l keep -d 'Keep the benchmark\'s events and Redis keys instead of removing them'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l full -d 'Time `reconcile --full` passes (every session audited, ended ones too)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from reconcile" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "rsvp" -d 'RSVP rush on one hot session (and spread over --sessions)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "stream" -d 'Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export RSVPs to CSV'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "reconcile" -d 'One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)'
complete -c capctl -n "__fish_capctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand completions" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand completions" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand completions" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print each effective setting, its value and its source (flag, env, .env, file, default)'
complete -c capctl -n "__fish_capctl_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print each effective setting, its value and its source (flag, env, .env, file, default)'
complete -c capctl -n "__fish_capctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l database-url -d 'PostgreSQL URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l redis-url -d 'Redis URL' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l redis-prefix -d 'Prefix of every Redis key capctl writes' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l connect-timeout -d 'Longest wait for a connection to PostgreSQL or Redis' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l statement-timeout -d 'Longest a PostgreSQL statement may run (bulk import and export are exempt)' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l lock-timeout -d 'Longest wait for a row another PostgreSQL client has locked' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l redis-timeout -d 'Longest wait for Redis to answer one command' -r
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l config -d 'Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]' -r -F
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l color -d 'Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t'When the stream is a terminal and NO_COLOR is unset or empty'
always\t'Always, even piped and over NO_COLOR'
never\t'Never'"
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l log-format -d 'Log lines on stderr as text, or as one JSON object each (for daemons)' -r -f -a "text\t'One human line per event'
json\t'One JSON object per line (tracing-subscriber\'s JSON format)'"
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -l json -d 'Print one JSON document on stdout instead of tables'
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -s v -l verbose -d 'More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -s q -l quiet -d 'Results only: no summaries, progress bars or warnings'
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c capctl -n "__fish_capctl_using_subcommand manpages" -s V -l version -d 'Print version'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "migrate" -d 'Create or upgrade the database schema'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "event" -d 'Events and their registrations'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "session" -d 'Sessions, RSVPs, waitlists and capacities'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "schedule" -d 'A user\'s personal schedule for an event'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "booth" -d 'Expo booths and their visitors'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "stream" -d 'Viewers of an event\'s live stream'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "export-rsvps" -d 'Export RSVPs as CSV'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "reconcile" -d 'Repair counters, expire leases and offers; --check only reports'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "outbox" -d 'Notifications of seat changes: list them, deliver them to a webhook'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "reminders" -d 'Queue one reminder per confirmed RSVP of sessions starting soon (once each)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "demo" -d 'Build a demo event and walk through every rule'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "bench" -d 'Measure throughput and latency, then check invariants'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "completions" -d 'Print a shell completion script'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "doctor" -d 'Check both backends, the schema, the Redis scripts, the clocks and the cached limits'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "config" -d 'The effective settings and where each came from'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "manpages" -d 'Write the man pages into a directory (packaging)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and not __fish_seen_subcommand_from migrate event session schedule booth stream export-rsvps reconcile outbox reminders demo bench completions doctor config manpages help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from event" -f -a "create" -d 'Create an event'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from event" -f -a "list" -d 'List events'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from event" -f -a "show" -d 'Show one event'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from event" -f -a "register" -d 'Register a user for an event (idempotent; respects --max-attendees)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from event" -f -a "import-registrations" -d 'Register users from a CSV file with header user_id,name,email (all or nothing)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "create" -d 'Create a session of an event'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "list" -d 'The organizer dashboard: seats of every session of an event'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "set-capacity" -d 'Change a session\'s capacity (raising it offers seats to the waitlist at once)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "rsvp" -d 'RSVP a user: confirmed, waitlisted when full, or refused'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "cancel" -d 'Cancel a user\'s RSVP; the freed seat is offered to the next in line'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "waitlist" -d 'Show a session\'s waitlist in order'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "check-in" -d 'Let a user in at the door: a held seat is honoured, anyone else only into a free seat'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "check-out" -d 'A user leaves the room; the seat is kept for re-entry (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "release-no-shows" -d 'Release confirmed seats not checked in (from the start) to the people at the door'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "join" -d 'Join a virtual session (refused at its capacity; a repeat refreshes the lease)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "heartbeat" -d 'Extend a virtual session attendee\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "leave" -d 'Leave a virtual session (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from booth" -f -a "create" -d 'Create an expo booth'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from booth" -f -a "set-capacity" -d 'Change a booth\'s visitor limit'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from booth" -f -a "enter" -d 'A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from booth" -f -a "heartbeat" -d 'Extend a visitor\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from booth" -f -a "leave" -d 'A visitor leaves (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from booth" -f -a "visitors" -d 'Visitors inside booths now'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "set-limit" -d 'Set or remove an event\'s concurrent-viewer limit, and its access policies (device cap, device policy, grace)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "join" -d 'A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "heartbeat" -d 'Extend a viewer\'s lease; an expired lease is reported lost'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "leave" -d 'A viewer leaves (idempotent)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "viewers" -d 'Viewers of streams now; --watch redraws until Ctrl-C'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "script" -d 'Print a presence Lua script as Redis receives it (for redis-benchmark and other services)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "list" -d 'Notifications of seat changes, in id order; --follow prints new ones as they commit'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "deliver" -d 'POST undelivered notifications to a webhook (signed with --secret); --watch follows'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "rsvp" -d 'RSVP rush on one hot session (and spread over --sessions)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "stream" -d 'Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "export" -d 'Export RSVPs to CSV'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "reconcile" -d 'One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)'
complete -c capctl -n "__fish_capctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print each effective setting, its value and its source (flag, env, .env, file, default)'
