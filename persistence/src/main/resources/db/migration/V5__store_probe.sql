-- One row the store's health probe rewrites while a write fault lasts (a full disk, a lost server):
-- the first write that succeeds again tells the daemon it may take writes again.
CREATE TABLE store_probe (
    id INTEGER PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
INSERT INTO store_probe (id, probed_at) VALUES (1, 0);
