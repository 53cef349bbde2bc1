-- rollcall_over_limit aborts the statement, and so its transaction, when
-- ids is not empty: the multi-row upserts of a group commit call it with
-- the rows that may break a property limit, so that a group is sent with
-- its COMMIT in one round trip and still writes nothing when a row is over.
-- The error's SQLSTATE is RC001 and its detail a JSON object naming the
-- rows: {"noun": "user" or "group", "envs": [...], "ids": [...]}.

CREATE FUNCTION rollcall_over_limit(noun text, envs text[], ids text[])
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'RC001',
            MESSAGE = noun || ' rows may break a property limit',
            DETAIL = json_build_object('noun', noun, 'envs', envs, 'ids', ids)::text;
    END IF;
END
$$;
