-- Pekko's event metadata (PersistentRepr.metadata) and snapshot metadata (SnapshotMetadata.metadata),
-- which replicated event sourcing and third-party plugins' users store. Serialized by Pekko like the
-- payload: serializer id, manifest, bytes. NULL in all three means "no metadata", which is what every
-- row written before this version holds, so old rows read as before.
ALTER TABLE journal ADD COLUMN meta_ser_id INTEGER;
ALTER TABLE journal ADD COLUMN meta_ser_manifest VARCHAR(255);
ALTER TABLE journal ADD COLUMN meta_payload ${blob};
ALTER TABLE snapshot ADD COLUMN meta_ser_id INTEGER;
ALTER TABLE snapshot ADD COLUMN meta_ser_manifest VARCHAR(255);
ALTER TABLE snapshot ADD COLUMN meta_payload ${blob};
