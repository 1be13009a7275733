-- Version 3: a commit can name the update_seq its writer expects, so a second writer of the same database (two grain
-- activations for a moment while silos join or leave) fails instead of reusing sequence numbers.
-- Note: a new overload beside the version 1 function, so nodes not yet upgraded keep committing during a rolling upgrade.
CREATE FUNCTION tessera_advance_database(p_db bigint, p_expected_seq bigint, p_update_seq bigint, p_doc_delta bigint, p_deleted_delta bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE databases
    SET update_seq = p_update_seq, doc_count = doc_count + p_doc_delta, del_count = del_count + p_deleted_delta
    WHERE key = p_db AND (p_expected_seq IS NULL OR update_seq = p_expected_seq);
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM databases WHERE key = p_db) THEN
            RAISE EXCEPTION 'storage database % was advanced by another writer (expected update_seq %)', p_db, p_expected_seq
                USING ERRCODE = 'serialization_failure';
        END IF;
        RAISE EXCEPTION 'storage database % does not exist', p_db USING ERRCODE = 'no_data_found';
    END IF;
END
$$;
