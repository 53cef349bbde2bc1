package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

// The multi-row upserts write every row of a transaction in one statement
// per table. Rows arrive sorted by env and identifier and are inserted in
// that order (ORDER BY the ordinality), so that concurrent transactions, in
// any process, lock rows in the same order and cannot deadlock each other.
// The merge is still jsonb's || inside the upsert, so writes from other
// transactions are never lost. Only the rows that may be over a limit come
// back, with their properties ($4 is MaxProperties and $5 MaxPropertyBytes,
// 0 for none; see maybeOverSQL).
const (
	upsertRowsHead = `
WITH written AS (
INSERT INTO `
	upsertRowsTail = ` AS t (env, identifier, properties, created_at, updated_at)
SELECT r.env, r.identifier, r.properties::jsonb,
       date_trunc('milliseconds', now()), date_trunc('milliseconds', now())
FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
     AS r(env, identifier, properties, n)
ORDER BY r.n
ON CONFLICT (env, identifier) DO UPDATE
SET properties = t.properties || EXCLUDED.properties,
    updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)
RETURNING t.env, t.identifier, ` + maybeOverSQL + ` AS stored)
SELECT env, identifier, stored FROM written WHERE stored IS NOT NULL`

	upsertUsersSQL  = upsertRowsHead + "users" + upsertRowsTail
	upsertGroupsSQL = upsertRowsHead + "groups" + upsertRowsTail

	insertMembershipsSQL = `
INSERT INTO memberships (env, user_id, group_id, created_at)
SELECT r.env, r.user_id, r.group_id, date_trunc('milliseconds', now())
FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS r(env, user_id, group_id, n)
ORDER BY r.n
ON CONFLICT DO NOTHING`
)

// The nouns of the two kinds of rows, as error messages name them.
const (
	nounUser  = "user"
	nounGroup = "group"
)

// errEncode marks a failure to encode a write's properties, which the
// database never saw.
var errEncode = errors.New("encode properties")

// rowKey names one user or group row.
type rowKey struct {
	noun       string
	env        string
	identifier string
}

// memberKey names one membership.
type memberKey struct {
	env, user, group string
}

// rowSet is what one transaction of multi-row statements writes: each user
// and group once, carrying the properties of every write that names it
// merged in arrival order (later keys win, null kept), and each membership
// once. A multi-row upsert may not touch one row twice, hence the merge;
// since || is associative, one merged row ends exactly as the writes applied
// one after the other would.
type rowSet struct {
	rows    map[rowKey]rollcall.Properties
	members map[memberKey]struct{}
}

func newRowSet() *rowSet {
	return &rowSet{rows: map[rowKey]rollcall.Properties{}, members: map[memberKey]struct{}{}}
}

// add merges one item: a lone group, or a user with its groups and
// memberships.
func (r *rowSet) add(env string, item rollcall.Identify) {
	if item.Kind == rollcall.KindGroup {
		r.merge(rowKey{nounGroup, env, item.Identifier}, item.Properties)
		return
	}

	r.merge(rowKey{nounUser, env, item.Identifier}, item.Properties)
	for _, g := range item.Groups {
		r.merge(rowKey{nounGroup, env, g.Identifier}, g.Properties)
		r.members[memberKey{env, item.Identifier, g.Identifier}] = struct{}{}
	}
}

// merge copies p into the row's properties; the caller's map is never
// written to.
func (r *rowSet) merge(k rowKey, p rollcall.Properties) {
	dst, ok := r.rows[k]
	if !ok {
		dst = make(rollcall.Properties, len(p))
		r.rows[k] = dst
	}
	dst.Merge(p)
}

// touches reports whether item writes any of the rows in keys.
func touches(env string, item rollcall.Identify, keys map[rowKey]bool) bool {
	if item.Kind == rollcall.KindGroup {
		return keys[rowKey{nounGroup, env, item.Identifier}]
	}
	if keys[rowKey{nounUser, env, item.Identifier}] {
		return true
	}
	for _, g := range item.Groups {
		if keys[rowKey{nounGroup, env, g.Identifier}] {
			return true
		}
	}
	return false
}

// upsertColumns returns the rows of one noun as the three array parameters
// of a multi-row upsert, sorted by env then identifier.
func (r *rowSet) upsertColumns(noun string) (envs, ids, props []string, err error) {
	var keys []rowKey
	for k := range r.rows {
		if k.noun == noun {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(a.env, b.env), cmp.Compare(a.identifier, b.identifier))
	})

	for _, k := range keys {
		obj, err := encodeProperties(r.rows[k])
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%w of %s %q: %w", errEncode, noun, k.identifier, err)
		}
		envs = append(envs, k.env)
		ids = append(ids, k.identifier)
		props = append(props, obj)
	}
	return envs, ids, props, nil
}

// memberColumns returns the memberships as the three array parameters of
// the multi-row insert, sorted by env, user and group.
func (r *rowSet) memberColumns() (envs, users, groups []string) {
	keys := make([]memberKey, 0, len(r.members))
	for k := range r.members {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b memberKey) int {
		return cmp.Or(cmp.Compare(a.env, b.env), cmp.Compare(a.user, b.user),
			cmp.Compare(a.group, b.group))
	})

	for _, k := range keys {
		envs = append(envs, k.env)
		users = append(users, k.user)
		groups = append(groups, k.group)
	}
	return envs, users, groups
}

// queue adds the set's statements to b, users first, then groups, then
// memberships, and collects into over the rows that break the limits.
func (r *rowSet) queue(b *pgx.Batch, limits rollcall.Limits, over map[rowKey]bool) error {
	for _, noun := range []string{nounUser, nounGroup} {
		envs, ids, props, err := r.upsertColumns(noun)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			continue
		}
		sql := upsertUsersSQL
		if noun == nounGroup {
			sql = upsertGroupsSQL
		}
		b.Queue(sql, envs, ids, props, limits.MaxProperties, limits.MaxPropertyBytes).
			Query(collectOver(noun, limits, over))
	}

	if len(r.members) > 0 {
		envs, users, groups := r.memberColumns()
		b.Queue(insertMembershipsSQL, envs, users, groups)
	}
	return nil
}

// collectOver reads the rows an upsert reported as maybe over a limit and
// keeps in over those that are.
func collectOver(noun string, limits rollcall.Limits, over map[rowKey]bool) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			k := rowKey{noun: noun}
			var stored []byte
			if err := rows.Scan(&k.env, &k.identifier, &stored); err != nil {
				return fmt.Errorf("read %s over the limit: %w", noun, err)
			}
			err := checkStored(limits, noun, k.identifier, stored)
			if rollcall.ErrorCode(err) == rollcall.CodeInvalid {
				over[k] = true
			} else if err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// writeRows writes the set in one transaction. When rows would break the
// property limit it rolls back and returns them; otherwise it commits.
func (s *Store) writeRows(ctx context.Context, r *rowSet) (map[rowKey]bool, error) {
	var b pgx.Batch
	over := map[rowKey]bool{}
	if err := r.queue(&b, s.limits, over); err != nil {
		return nil, err
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin identify: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return nil, fmt.Errorf("identify: %w", err)
	}
	if len(over) > 0 {
		return over, nil
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit identify: %w", err)
	}
	return nil, nil
}
