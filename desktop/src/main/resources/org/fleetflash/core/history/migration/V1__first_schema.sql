-- FleetFlash history, schema version 1. Times are milliseconds since 1970-01-01 UTC; durations milliseconds.
-- Text that came from a router is stored bounded and sanitised (core.text.Sanitize).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE routers (
    id           INTEGER PRIMARY KEY,
    host         TEXT    NOT NULL,
    port         INTEGER NOT NULL,
    mac          TEXT,
    serial       TEXT,
    hostname     TEXT,
    model        TEXT,
    architecture TEXT,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    UNIQUE (host, port)
);

CREATE TABLE images (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT    NOT NULL UNIQUE,
    format     TEXT,
    version    TEXT,
    first_used INTEGER NOT NULL
);

CREATE TABLE batches (
    id                 TEXT PRIMARY KEY,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER,
    router_count       INTEGER,
    concurrency        INTEGER,
    canary             INTEGER,
    max_failures       INTEGER,
    stage_all_first    INTEGER,
    retries            INTEGER,
    staging_deadline_s INTEGER,
    operator           TEXT,
    site               TEXT,
    halted_reason      TEXT
);

CREATE TABLE attempts (
    id                   TEXT PRIMARY KEY,
    batch_id             TEXT    NOT NULL REFERENCES batches (id),
    router_id            INTEGER NOT NULL REFERENCES routers (id),
    image_id             INTEGER REFERENCES images (id),
    image_path           TEXT,
    layout               TEXT,
    started_at           INTEGER NOT NULL,
    ended_at             INTEGER,
    phase                TEXT,
    old_version          TEXT,
    new_version          TEXT,
    outcome              TEXT CHECK (outcome IN ('SUCCEEDED', 'FAILED_SAFE', 'NEEDS_ATTENTION')),
    failure_code         TEXT,
    failure_message      TEXT,
    bytes_downloaded     INTEGER NOT NULL DEFAULT 0,
    blocks_written       INTEGER NOT NULL DEFAULT 0,
    blocks_unchanged     INTEGER NOT NULL DEFAULT 0,
    blocks_failed        INTEGER NOT NULL DEFAULT 0,
    image_forced         INTEGER NOT NULL DEFAULT 0,
    host_key_fingerprint TEXT,
    backup_dir           TEXT,
    duration_ms          INTEGER
);

CREATE TABLE phase_events (
    id          INTEGER PRIMARY KEY,
    attempt_id  TEXT    NOT NULL REFERENCES attempts (id),
    phase       TEXT    NOT NULL,
    entered_at  INTEGER NOT NULL,
    left_at     INTEGER,
    duration_ms INTEGER
);
CREATE INDEX phase_events_attempt ON phase_events (attempt_id);

CREATE TABLE partition_backups (
    id         INTEGER PRIMARY KEY,
    attempt_id TEXT    NOT NULL REFERENCES attempts (id),
    partition  TEXT    NOT NULL,
    file       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT    NOT NULL
);
CREATE INDEX partition_backups_attempt ON partition_backups (attempt_id);

CREATE TABLE transcript_lines (
    id         INTEGER PRIMARY KEY,
    attempt_id TEXT    NOT NULL REFERENCES attempts (id),
    at         INTEGER NOT NULL,
    phase      TEXT,
    level      TEXT    NOT NULL,
    text       TEXT    NOT NULL
);
CREATE INDEX transcript_lines_attempt ON transcript_lines (attempt_id);

-- Every key a router was pinned with; the one in force has unpinned_at NULL (at most one per router).
CREATE TABLE host_keys (
    id          INTEGER PRIMARY KEY,
    router_id   INTEGER NOT NULL REFERENCES routers (id),
    key_type    TEXT    NOT NULL,
    public_key  TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    pinned_at   INTEGER NOT NULL,
    pinned_by   TEXT    NOT NULL CHECK (pinned_by IN ('FIRST_USE', 'IMPORT', 'UPGRADE')),
    attempt_id  TEXT,
    unpinned_at INTEGER,
    unpinned_by TEXT CHECK (unpinned_by IN ('FORGOTTEN', 'UPGRADE'))
);
CREATE UNIQUE INDEX host_keys_in_force ON host_keys (router_id) WHERE unpinned_at IS NULL;
