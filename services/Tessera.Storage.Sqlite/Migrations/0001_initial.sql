-- Tessera storage schema, version 1. Applied once by SqliteMigrator inside a transaction.
-- Every row of tenant data carries its database key (db) and every query filters by it.
-- Note: TEXT keys compare with SQLite's BINARY collation, that is byte-wise UTF-8 order (CouchDB's raw
-- collation for _all_docs). AUTOINCREMENT keeps the key of a deleted database from ever being reused.

CREATE TABLE databases (
    key         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    update_seq  INTEGER NOT NULL DEFAULT 0,
    doc_count   INTEGER NOT NULL DEFAULT 0,
    del_count   INTEGER NOT NULL DEFAULT 0,
    revs_limit  INTEGER NOT NULL DEFAULT 1000,
    security    TEXT    NULL,
    created_at  INTEGER NOT NULL, -- Unix time in milliseconds
    UNIQUE (tenant, name)
) STRICT;

-- One row per document: its latest state. Each document appears once in _changes, at its latest seq.
CREATE TABLE documents (
    db          INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    winning_rev TEXT    NOT NULL,
    deleted     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    rev_tree    BLOB    NOT NULL,
    PRIMARY KEY (db, id)
) STRICT;

CREATE INDEX documents_db_seq_idx ON documents (db, seq);

-- Bodies per revision. leaf = 0 once superseded; compaction deletes those.
CREATE TABLE revisions (
    db      INTEGER NOT NULL,
    doc_id  TEXT    NOT NULL,
    rev     TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    leaf    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (db, doc_id, rev)
) STRICT;

-- Content-addressed: one row per (database, digest), inserted with ON CONFLICT DO NOTHING.
CREATE TABLE attachments (
    db      INTEGER NOT NULL,
    digest  TEXT    NOT NULL,
    data    BLOB    NOT NULL,
    PRIMARY KEY (db, digest)
) STRICT;

CREATE TABLE local_docs (
    db    INTEGER NOT NULL,
    id    TEXT    NOT NULL,
    rev   TEXT    NOT NULL,
    body  TEXT    NOT NULL,
    PRIMARY KEY (db, id)
) STRICT;
