-- What each database looked like from the shared catalogs right after Cairn last brought it to
-- its checksum: "<database oid>:<routine oids owned by the platform's role, sorted>". A fleet
-- migrate compares it with pg_shdepend to find the databases that cannot have changed without
-- connecting to each one. NULL: not known (a later migrate records it).
ALTER TABLE databases ADD COLUMN fingerprint text;
