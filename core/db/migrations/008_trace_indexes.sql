-- The admin console's code trace (issue #11): a scan found by its id alone, and a device's
-- history across campaigns. scan_events' key starts with campaign_id, so neither look-up could
-- use it; without these both read every partition. A device's redemptions need no new index:
-- core/trace/ reads redemptions_device (campaign_id, device_id) once per campaign.
CREATE INDEX scan_events_event ON scan_events (event_id);
CREATE INDEX scan_events_device ON scan_events (device_id, scanned_at);
