package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

// rowWrite is one row an item writes and the properties it merges in.
type rowWrite struct {
	key   rowKey
	props rollcall.Properties
}

// itemWrites lists the rows item writes, in the order it writes them.
func itemWrites(env string, item rollcall.Identify) []rowWrite {
	if item.Kind == rollcall.KindGroup {
		return []rowWrite{{rowKey{nounGroup, env, item.Identifier}, item.Properties}}
	}
	writes := []rowWrite{{rowKey{nounUser, env, item.Identifier}, item.Properties}}
	for _, g := range item.Groups {
		writes = append(writes, rowWrite{rowKey{nounGroup, env, g.Identifier}, g.Properties})
	}
	return writes
}

// offender names the first item after whose merge a row of over breaks a
// limit. It reads those rows once and merges the items into them in Go:
// running the items one statement each would rewrite a large row once per
// item, a cost a batch naming one user a hundred times could multiply.
// Reading without locks is enough, as nothing is written: the call fails
// as it would have at the moment of the read. It returns nil when no item
// breaks a limit that way (the rows shrank meanwhile, or a number counts
// longer as stored than as sent), and the caller must then decide another
// way.
func (s *Store) offender(
	ctx context.Context, env string, items []rollcall.Identify, over map[rowKey]bool,
) error {
	stored, err := s.storedRows(ctx, over)
	if err != nil {
		return err
	}

	for i, item := range items {
		for _, w := range itemWrites(env, item) {
			if !over[w.key] {
				continue
			}
			p := stored[w.key]
			p.Merge(w.props)
			what := w.key.noun + " " + rollcall.QuoteID(w.key.identifier)
			if err := s.limits.CheckStored(what, p); err != nil {
				return &rollcall.ItemError{Index: i, Err: err}
			}
		}
	}
	return nil
}

const (
	selectUsersPropsSQL = `
SELECT env, identifier, properties::text FROM users
WHERE env = $1 AND identifier = ANY($2::text[])`
	selectGroupsPropsSQL = `
SELECT env, identifier, properties::text FROM groups
WHERE env = $1 AND identifier = ANY($2::text[])`
)

// storedRows reads the properties of the rows in keys, all of one
// environment; a row not stored yet has empty properties.
func (s *Store) storedRows(
	ctx context.Context, keys map[rowKey]bool,
) (map[rowKey]rollcall.Properties, error) {
	out := make(map[rowKey]rollcall.Properties, len(keys))
	ids := map[string][]string{}
	env := ""
	for k := range keys {
		out[k] = rollcall.Properties{}
		ids[k.noun] = append(ids[k.noun], k.identifier)
		env = k.env
	}

	var b pgx.Batch
	for noun, list := range ids {
		sql := selectUsersPropsSQL
		if noun == nounGroup {
			sql = selectGroupsPropsSQL
		}
		b.Queue(sql, env, list).Query(collectStored(noun, out))
	}
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, fmt.Errorf("read rows over a limit: %w", err)
	}
	return out, nil
}

// collectStored decodes the rows of a selectUsersPropsSQL or
// selectGroupsPropsSQL into out.
func collectStored(noun string, out map[rowKey]rollcall.Properties) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			k := rowKey{noun: noun}
			var text []byte
			if err := rows.Scan(&k.env, &k.identifier, &text); err != nil {
				return fmt.Errorf("read %s: %w", noun, err)
			}
			props, err := decodeProperties(text)
			if err != nil {
				return fmt.Errorf("read %s %q: %w", noun, k.identifier, err)
			}
			out[k] = props
		}
		return rows.Err()
	}
}
