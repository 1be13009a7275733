-- Tessera storage schema, version 1. Applied once by PostgresMigrator inside a transaction.
-- Every row of tenant data carries its database key (db) and every query filters by it.
-- Note: ids and names use COLLATE "C" so that ORDER BY and range filters follow byte-wise UTF-8 order
-- (CouchDB's raw collation for _all_docs), whatever the cluster's default locale is.

CREATE TABLE databases (
    key         bigserial   PRIMARY KEY,
    tenant      text        COLLATE "C" NOT NULL,
    name        text        COLLATE "C" NOT NULL,
    update_seq  bigint      NOT NULL DEFAULT 0,
    doc_count   bigint      NOT NULL DEFAULT 0,
    del_count   bigint      NOT NULL DEFAULT 0,
    revs_limit  integer     NOT NULL DEFAULT 1000,
    security    text        NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT databases_tenant_name_key UNIQUE (tenant, name)
);

-- One row per document: its latest state. Each document appears once in _changes, at its latest seq.
CREATE TABLE documents (
    db          bigint  NOT NULL,
    id          text    COLLATE "C" NOT NULL,
    winning_rev text    COLLATE "C" NOT NULL,
    deleted     boolean NOT NULL,
    seq         bigint  NOT NULL,
    rev_tree    bytea   NOT NULL,
    PRIMARY KEY (db, id)
);

CREATE INDEX documents_db_seq_idx ON documents (db, seq);

-- Bodies per revision. leaf = false once superseded; compaction deletes those.
CREATE TABLE revisions (
    db      bigint  NOT NULL,
    doc_id  text    COLLATE "C" NOT NULL,
    rev     text    COLLATE "C" NOT NULL,
    body    jsonb   NOT NULL,
    leaf    boolean NOT NULL DEFAULT true,
    PRIMARY KEY (db, doc_id, rev)
);

-- Content-addressed: one row per (database, digest), inserted with ON CONFLICT DO NOTHING.
CREATE TABLE attachments (
    db      bigint NOT NULL,
    digest  text   COLLATE "C" NOT NULL,
    data    bytea  NOT NULL,
    PRIMARY KEY (db, digest)
);

CREATE TABLE local_docs (
    db    bigint NOT NULL,
    id    text   COLLATE "C" NOT NULL,
    rev   text   NOT NULL,
    body  jsonb  NOT NULL,
    PRIMARY KEY (db, id)
);

-- The first statement of every commit batch: advances the database's sequence and counters, and fails the whole
-- batch (one implicit transaction, one round trip) when the database no longer exists, so no orphan rows are written.
-- Note: updating the catalog row first also takes its row lock, so a concurrent delete of the database waits for the commit.
CREATE FUNCTION tessera_advance_database(p_db bigint, p_update_seq bigint, p_doc_delta bigint, p_deleted_delta bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE databases
    SET update_seq = p_update_seq, doc_count = doc_count + p_doc_delta, del_count = del_count + p_deleted_delta
    WHERE key = p_db;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'storage database % does not exist', p_db USING ERRCODE = 'no_data_found';
    END IF;
END
$$;
