package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
)

// rawUpsertSQL writes users, groups and memberships in three statements,
// the least a batch can cost.
const rawUpsertSQL = `
WITH u AS (
  INSERT INTO users AS t (env, identifier, properties, created_at, updated_at)
  SELECT 'bench', i, p::jsonb, now(), now() FROM unnest($1::text[], $2::text[]) AS r(i, p)
  ON CONFLICT (env, identifier) DO UPDATE
  SET properties = t.properties || EXCLUDED.properties, updated_at = EXCLUDED.updated_at
  RETURNING 1
), g AS (
  INSERT INTO groups AS t (env, identifier, properties, created_at, updated_at)
  SELECT DISTINCT 'bench', g, '{}'::jsonb, now(), now() FROM unnest($3::text[]) AS r(g)
  ON CONFLICT (env, identifier) DO UPDATE SET updated_at = EXCLUDED.updated_at
  RETURNING 1
)
SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM g)`

const rawMembersSQL = `
INSERT INTO memberships (env, user_id, group_id, created_at)
SELECT 'bench', u, g, now() FROM unnest($1::text[], $2::text[]) AS r(u, g)
ON CONFLICT DO NOTHING`

// rawUpsert runs the raw statements for one batch in one transaction. Rows
// are deduplicated first, as a multi-row upsert must be.
func rawUpsert(t testing.TB, conn *pgx.Conn, ids, props, groups []string) {
	t.Helper()
	ctx := context.Background()
	ids, props, groups = dedupe(ids, props, groups)

	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var nu, ng int
	if err := tx.QueryRow(ctx, rawUpsertSQL, ids, props, groups).Scan(&nu, &ng); err != nil {
		t.Fatalf("raw upsert: %v", err)
	}
	if _, err := tx.Exec(ctx, rawMembersSQL, ids, groups); err != nil {
		t.Fatalf("raw memberships: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

// dedupe keeps the last row of each user, sorted by identifier.
func dedupe(ids, props, groups []string) ([]string, []string, []string) {
	last := map[string]int{}
	for i, id := range ids {
		last[id] = i
	}
	keys := make([]string, 0, len(last))
	for id := range last {
		keys = append(keys, id)
	}
	slices.Sort(keys)

	var outP, outG []string
	for _, id := range keys {
		outP = append(outP, props[last[id]])
		outG = append(outG, groups[last[id]])
	}
	return keys, outP, outG
}
