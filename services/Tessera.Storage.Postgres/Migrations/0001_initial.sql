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
