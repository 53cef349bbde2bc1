package main

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rollcall/rollcall/loadgen"
)

// The PostgreSQL baselines without the store: what an application that
// keeps user properties in a jsonb column would write by hand. rowUpsertSQL
// is one statement, one row, one commit per request; multiRowSQL upserts a
// whole batch in one statement.
const (
	rowUpsertSQL = `
INSERT INTO users AS t (env, identifier, properties, created_at, updated_at)
VALUES ($1, $2, $3::jsonb, now(), now())
ON CONFLICT (env, identifier) DO UPDATE
SET properties = t.properties || EXCLUDED.properties, updated_at = EXCLUDED.updated_at`

	multiRowSQL = `
INSERT INTO users AS t (env, identifier, properties, created_at, updated_at)
SELECT $1, i, p::jsonb, now(), now() FROM unnest($2::text[], $3::text[]) AS r(i, p)
ON CONFLICT (env, identifier) DO UPDATE
SET properties = t.properties || EXCLUDED.properties, updated_at = EXCLUDED.updated_at`
)

// pgRaw runs the hand-written baselines over a pool of as many connections
// as goroutines.
type pgRaw struct {
	b     *bench
	pool  *pgxpool.Pool
	props []string
}

// newPGRaw opens a pool on url. The store has already created the schema.
func newPGRaw(ctx context.Context, b *bench, url string) (*pgRaw, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse postgres URL: %w", err)
	}
	pc.MaxConns = int32(b.cfg.concurrency)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open postgres pool: %w", err)
	}

	p := &pgRaw{b: b, pool: pool}
	r := rand.New(rand.NewPCG(1, 2))
	for range propertyPool {
		p.props = append(p.props, string(loadgen.PropertyObject(r, b.cfg.properties)))
	}
	return p, nil
}

// rowUpsert writes one new user per statement.
func (p *pgRaw) rowUpsert(ctx context.Context, r *rand.Rand, seq int64) (int, error) {
	id := loadgen.Identifier(p.b.fresh, seq)
	_, err := p.pool.Exec(ctx, rowUpsertSQL, p.b.cfg.env, id, p.props[r.IntN(len(p.props))])
	return 1, err
}

// multiRow writes batch-size new users in one statement.
func (p *pgRaw) multiRow(ctx context.Context, r *rand.Rand, seq int64) (int, error) {
	size := int64(p.b.cfg.batchSize)
	ids := make([]string, 0, size)
	props := make([]string, 0, size)
	for i := range size {
		ids = append(ids, loadgen.Identifier(p.b.fresh, seq*size+i))
		props = append(props, p.props[r.IntN(len(p.props))])
	}
	_, err := p.pool.Exec(ctx, multiRowSQL, p.b.cfg.env, ids, props)
	return len(ids), err
}
