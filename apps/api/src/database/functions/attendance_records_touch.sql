-- Trigger on attendance_records (BEFORE INSERT OR UPDATE, every row): stamps every write of a record, whoever makes
-- it (the check-in function, status changes, closing, imports, seeds), with
--   change_seq: the 64-bit id of the writing transaction — the changes feed (GET /api/attendance-records) serves
--               rows only below pg_snapshot_xmin(), the oldest transaction still running, so a transaction that
--               commits late is never skipped by a reader that has moved past it (docs/integrations.md);
--   updated_at: when it changed.
CREATE OR REPLACE FUNCTION attendance_records_touch()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.change_seq := pg_current_xact_id()::text::bigint;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
