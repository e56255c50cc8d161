-- A suspended database refuses data requests (423 database_suspended) until it is resumed; its
-- pools are closed. Set and cleared by POST /admin/databases/{database}/suspend and /resume.
ALTER TABLE databases ADD COLUMN suspended_at timestamptz;
