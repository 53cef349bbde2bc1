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
// transactions are never lost. When rows may be over a limit ($4 is
// MaxProperties and $5 MaxPropertyBytes, 0 for none; see mayBreakSQL), the
// statement ends with the error of rollcall_over_limit naming them all ($6
// is the noun), which aborts the transaction: nothing is written, and the
// transaction needs no decision from Go before its COMMIT. Only then is the
// function called at all (HAVING).
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
RETURNING t.env, t.identifier, ` + mayBreakSQL + ` AS may_break)
SELECT rollcall_over_limit($6, array_agg(env), array_agg(identifier))
FROM written WHERE may_break HAVING count(*) > 0`

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
	owned   map[rowKey]bool // rows whose properties are a copy of the set's own
	members map[memberKey]struct{}
}

func newRowSet() *rowSet {
	return &rowSet{
		rows:    map[rowKey]rollcall.Properties{},
		owned:   map[rowKey]bool{},
		members: map[memberKey]struct{}{},
	}
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

// merge adds p to the row's properties. The caller's map is never written
// to: a row named once keeps it as it is, and is copied only when a second
// write names the row.
func (r *rowSet) merge(k rowKey, p rollcall.Properties) {
	dst, ok := r.rows[k]
	switch {
	case !ok:
		r.rows[k] = p
		return
	case len(p) == 0:
		return
	case !r.owned[k]:
		dst = dst.Clone()
		r.rows[k] = dst
		r.owned[k] = true
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

	// Every object goes into one buffer, turned into one string that the
	// parameters are cut from: one allocation rather than one per row.
	var buf []byte
	ends := make([]int, len(keys))
	for i, k := range keys {
		if buf, err = appendProperties(buf, r.rows[k]); err != nil {
			return nil, nil, nil, fmt.Errorf("%w of %s %q: %w", errEncode, noun, k.identifier, err)
		}
		ends[i] = len(buf)
	}
	text := string(buf)

	envs = make([]string, len(keys))
	ids = make([]string, len(keys))
	props = make([]string, len(keys))
	start := 0
	for i, k := range keys {
		envs[i], ids[i], props[i] = k.env, k.identifier, text[start:ends[i]]
		start = ends[i]
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
// memberships.
func (r *rowSet) queue(b *pgx.Batch, limits rollcall.Limits) error {
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
		b.Queue(sql, envs, ids, props, limits.MaxProperties, limits.MaxPropertyBytes, noun)
	}

	if len(r.members) > 0 {
		envs, users, groups := r.memberColumns()
		b.Queue(insertMembershipsSQL, envs, users, groups)
	}
	return nil
}

// writeRows writes the set in one transaction, sent with its COMMIT in one
// round trip: the statements of a batch sent outside a transaction form one
// implicit transaction, committed when the last succeeds and rolled back
// when one fails. When rows may break a property limit, nothing is written
// and it returns them: some may still be within, which only the exact check
// (offender, identifySteps) can tell.
func (s *Store) writeRows(ctx context.Context, r *rowSet) (map[rowKey]bool, error) {
	var b pgx.Batch
	if err := r.queue(&b, s.limits); err != nil {
		return nil, err
	}

	err := s.pool.SendBatch(ctx, &b).Close()
	over, isOver, readErr := mayBreakRows(err)
	switch {
	case isOver:
		return over, readErr
	case err != nil:
		return nil, fmt.Errorf("identify: %w", err)
	}
	return nil, nil
}
