package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

// The item-by-item upserts, used only when the multi-row statements found a
// row over a property limit: run one item at a time, they tell which item
// breaks it, as the contract requires. Each returns the row's properties
// when they may be over a limit, else NULL (see maybeOverSQL).
const (
	upsertUserSQL = `
INSERT INTO users AS t (env, identifier, properties, created_at, updated_at)
VALUES ($1, $2, $3::jsonb, date_trunc('milliseconds', now()), date_trunc('milliseconds', now()))
ON CONFLICT (env, identifier) DO UPDATE
SET properties = t.properties || EXCLUDED.properties,
    updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)
RETURNING ` + maybeOverSQL

	upsertGroupSQL = `
INSERT INTO groups AS t (env, identifier, properties, created_at, updated_at)
VALUES ($1, $2, $3::jsonb, date_trunc('milliseconds', now()), date_trunc('milliseconds', now()))
ON CONFLICT (env, identifier) DO UPDATE
SET properties = t.properties || EXCLUDED.properties,
    updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)
RETURNING ` + maybeOverSQL

	insertMembershipSQL = `
INSERT INTO memberships (env, user_id, group_id, created_at)
VALUES ($1, $2, $3, date_trunc('milliseconds', now()))
ON CONFLICT DO NOTHING`
)

// step is one statement of an item-by-item transaction, remembered so that
// its result can be checked against the item it came from.
type step struct {
	index      int
	noun       string // nounUser, nounGroup, or "" for a membership
	identifier string
}

// stepBatch collects the statements of one item-by-item transaction.
type stepBatch struct {
	env    string
	limits rollcall.Limits
	batch  pgx.Batch
	steps  []step
}

// newStepBatch queues the statements of items, in order.
func newStepBatch(
	env string, limits rollcall.Limits, items []rollcall.Identify,
) (*stepBatch, error) {
	b := &stepBatch{env: env, limits: limits}
	for i, item := range items {
		if err := b.add(i, item); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// add queues one item: a lone group's upsert, or a user's upsert followed,
// for each of its groups, by the group's upsert and the membership.
func (b *stepBatch) add(i int, item rollcall.Identify) error {
	if item.Kind == rollcall.KindGroup {
		return b.upsert(upsertGroupSQL, step{i, nounGroup, item.Identifier}, item.Properties)
	}

	err := b.upsert(upsertUserSQL, step{i, nounUser, item.Identifier}, item.Properties)
	if err != nil {
		return err
	}
	for _, g := range item.Groups {
		err := b.upsert(upsertGroupSQL, step{i, nounGroup, g.Identifier}, g.Properties)
		if err != nil {
			return err
		}
		b.batch.Queue(insertMembershipSQL, b.env, item.Identifier, g.Identifier)
		b.steps = append(b.steps, step{index: i})
	}
	return nil
}

func (b *stepBatch) upsert(sql string, st step, props rollcall.Properties) error {
	obj, err := encodeProperties(props)
	if err != nil {
		return fmt.Errorf("identify item %d: %w", st.index, err)
	}
	b.batch.Queue(sql, b.env, st.identifier, obj, b.limits.MaxProperties, b.limits.MaxPropertyBytes)
	b.steps = append(b.steps, st)
	return nil
}

// identifySteps applies items one statement at a time in one transaction
// and commits only when every row stays within the property limit; else it
// rolls back and names the first item that breaks it.
func (s *Store) identifySteps(ctx context.Context, env string, items []rollcall.Identify) error {
	b, err := newStepBatch(env, s.limits, items)
	if err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin identify: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	if err := lockNamedRows(ctx, tx, env, items); err != nil {
		return err
	}
	results := tx.SendBatch(ctx, &b.batch)
	if err := s.checkSteps(results, b.steps); err != nil {
		_ = results.Close()
		return err
	}
	if err := results.Close(); err != nil {
		return fmt.Errorf("identify: %w", err)
	}

	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit identify: %w", err)
	}
	return nil
}

// checkSteps reads each statement's result in order; the first row over a
// property limit rejects the whole call, naming its item.
func (s *Store) checkSteps(results pgx.BatchResults, steps []step) error {
	for _, st := range steps {
		if st.noun == "" {
			if _, err := results.Exec(); err != nil {
				return fmt.Errorf("identify membership: %w", err)
			}
			continue
		}

		var stored []byte
		if err := results.QueryRow().Scan(&stored); err != nil {
			return fmt.Errorf("identify %s: %w", st.noun, err)
		}
		if stored == nil {
			continue
		}
		err := checkStored(s.limits, st.noun, st.identifier, stored)
		if rollcall.ErrorCode(err) == rollcall.CodeInvalid {
			return &rollcall.ItemError{Index: st.index, Err: err}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// The row locks an item-by-item transaction takes first, in the order the
// multi-row statements take theirs: users, then groups, each by identifier
// (COLLATE "C", so byte order, as rowSet sorts).
const (
	lockUsersSQL = `SELECT 1 FROM users WHERE env = $1 AND identifier = ANY($2::text[])
ORDER BY identifier FOR UPDATE`
	lockGroupsSQL = `SELECT 1 FROM groups WHERE env = $1 AND identifier = ANY($2::text[])
ORDER BY identifier FOR UPDATE`
)

// lockNamedRows locks the stored users and groups that items name before
// they are written in the items' order, which differs from one call to the
// next: without it, two calls naming the same rows in opposite orders
// deadlock, each holding the row the other waits for.
func lockNamedRows(ctx context.Context, tx pgx.Tx, env string, items []rollcall.Identify) error {
	var users, groups []string
	for _, item := range items {
		if item.Kind == rollcall.KindGroup {
			groups = append(groups, item.Identifier)
			continue
		}
		users = append(users, item.Identifier)
		for _, g := range item.Groups {
			groups = append(groups, g.Identifier)
		}
	}

	var b pgx.Batch
	b.Queue(lockUsersSQL, env, users)
	b.Queue(lockGroupsSQL, env, groups)
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("lock the rows of an identify: %w", err)
	}
	return nil
}
