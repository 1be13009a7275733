-- Version 4: whether a revision is a leaf is no longer stored per body. Commits stopped updating the superseded
-- revision's row (one UPDATE per edit); compaction keeps the leaves its revision tree names (IDocumentWriter.DeleteBodiesExceptAsync).
ALTER TABLE revisions DROP COLUMN leaf;
