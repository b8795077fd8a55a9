-- The stored topics' recent publications (`live_log`) are no longer read: the live hub keeps
-- each followed topic's state in memory and gives a follower that is behind the latest state
-- (a state topic's publication is the whole state). Dropping it saves a write and a delete per
-- board refresh (the dossier boards' hot path).
DROP TABLE live_log;
