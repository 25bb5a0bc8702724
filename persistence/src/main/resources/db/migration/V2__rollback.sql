-- A rollback to a checkpoint hides, but never deletes, the output recorded after that checkpoint: the
-- rows stay for the record and name the checkpoint that superseded them.
ALTER TABLE transcripts ADD COLUMN superseded_by VARCHAR(36);
