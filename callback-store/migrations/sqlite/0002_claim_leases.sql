-- A Desk event's claim is held for a lease while its handler runs
-- (`lease_until`, milliseconds since the Unix epoch) and kept for good
-- (`lease_until` NULL) once the handler succeeded. A claim whose lease ran
-- out unfinished (its process died, its delivery passed its deadline) may
-- be claimed again. Claims made before this column existed are finished.
ALTER TABLE desk_event_claims ADD COLUMN lease_until INTEGER;
