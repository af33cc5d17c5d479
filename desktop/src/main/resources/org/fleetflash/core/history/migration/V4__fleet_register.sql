-- Schema version 4: the routers table is also the window's fleet list, remembered across starts. A router added by
-- address, found by a scan or probed is recorded here even before its first upgrade, with the firmware version it last
-- reported (a probe, or an upgrade's probe and return). A router the technician removes from the list keeps its row
-- (its attempts still point at it) and is marked removed until it is added, found, probed or upgraded again.

ALTER TABLE routers ADD COLUMN firmware TEXT;
ALTER TABLE routers ADD COLUMN removed_at INTEGER;
