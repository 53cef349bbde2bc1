package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations returns the schema steps: element i brings the schema from
// user_version i to i+1. Append only: a shipped migration never changes.
func migrations() []string {
	return []string{schemaV1}
}

// schemaV1 creates users, groups, memberships and API keys.
const schemaV1 = `
CREATE TABLE users (
	id         INTEGER PRIMARY KEY,
	env        TEXT    NOT NULL,
	identifier TEXT    NOT NULL COLLATE BINARY,
	properties TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (env, identifier)
);
CREATE INDEX users_by_updated ON users (env, updated_at DESC, identifier);

CREATE TABLE groups (
	id         INTEGER PRIMARY KEY,
	env        TEXT    NOT NULL,
	identifier TEXT    NOT NULL COLLATE BINARY,
	properties TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (env, identifier)
);

CREATE TABLE memberships (
	user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, group_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_group ON memberships (group_id, user_id);

CREATE TABLE api_keys (
	prefix      TEXT    PRIMARY KEY,
	hash        BLOB    NOT NULL,
	environment TEXT    NOT NULL,
	kind        TEXT    NOT NULL,
	origins     TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	revoked_at  INTEGER
);
`

// migrate brings the schema up to date. It reads the version inside the
// write transaction, so two processes opening a new file at once do not both
// create the tables.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	steps := migrations()
	if version > len(steps) {
		return fmt.Errorf("schema version %d is newer than this rollcall knows (%d)",
			version, len(steps))
	}
	if version == len(steps) {
		return nil
	}

	for v := version; v < len(steps); v++ {
		if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	// PRAGMA takes no bound parameters; the version is our own integer.
	setVersion := fmt.Sprintf("PRAGMA user_version = %d", len(steps))
	if _, err := tx.ExecContext(ctx, setVersion); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}
