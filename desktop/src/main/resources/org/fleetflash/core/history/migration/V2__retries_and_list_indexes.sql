-- Schema version 2: a batch retries a router that failed for a passing reason; each retry is its own attempt, and
-- the history says which try it was. `history list` filters by start time and by router: indexes for both.

ALTER TABLE attempts ADD COLUMN try_number INTEGER NOT NULL DEFAULT 1;
CREATE INDEX attempts_started_at ON attempts (started_at);
CREATE INDEX attempts_router ON attempts (router_id);
CREATE INDEX attempts_batch ON attempts (batch_id);
