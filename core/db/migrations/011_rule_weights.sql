-- What each fired fraud rule added to a scan's score: the campaign's weights of the reasons in
-- reason_mask, lowest bit first (the event's `rw`), so a score stays explainable after the
-- campaign file's weights change. Null for decisions without reasons and for older events.
ALTER TABLE scan_events ADD COLUMN rule_weights smallint[];
