-- Schema version 3: an attempt whose FleetFlash died before it ended (killed, crashed, power cut) is marked
-- interrupted when the data directory is next opened (its outcome stays empty), and `fleetflash resume` later
-- records what the router's flash really holds. Both moments are kept, so a report can say an outcome was found
-- afterwards rather than seen live.

ALTER TABLE attempts ADD COLUMN interrupted_at INTEGER;
ALTER TABLE attempts ADD COLUMN resumed_at INTEGER;
CREATE INDEX attempts_open ON attempts (outcome) WHERE outcome IS NULL;

-- `fleetflash history prune` deletes old partition backups (keeping the newest per router): when it did.
ALTER TABLE attempts ADD COLUMN backup_pruned_at INTEGER;
