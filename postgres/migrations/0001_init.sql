-- Every key of the environment's data leads with env, so the tables can be
-- distributed by environment later without a schema change. Identifiers use
-- the "C" collation: ordering and equality are byte for byte.

CREATE TABLE users (
    env        text COLLATE "C" NOT NULL,
    identifier text COLLATE "C" NOT NULL,
    properties jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (env, identifier)
);

-- Serves the "most recently updated first" listing of the web pages.
CREATE INDEX users_env_updated ON users (env, updated_at DESC, identifier);

CREATE TABLE groups (
    env        text COLLATE "C" NOT NULL,
    identifier text COLLATE "C" NOT NULL,
    properties jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (env, identifier)
);

CREATE TABLE memberships (
    env        text COLLATE "C" NOT NULL,
    user_id    text COLLATE "C" NOT NULL,
    group_id   text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (env, user_id, group_id),
    FOREIGN KEY (env, user_id) REFERENCES users (env, identifier) ON DELETE CASCADE,
    FOREIGN KEY (env, group_id) REFERENCES groups (env, identifier) ON DELETE CASCADE
);

-- Serves group member listings, member counts and the cascade from groups.
CREATE INDEX memberships_env_group ON memberships (env, group_id, user_id);

-- Keys are found by prefix before the environment is known, so this table is
-- keyed by prefix alone (a reference table, in Citus terms).
CREATE TABLE api_keys (
    prefix     text COLLATE "C" PRIMARY KEY,
    hash       bytea NOT NULL,
    env        text COLLATE "C" NOT NULL,
    kind       text NOT NULL,
    origins    text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
