package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rollcall/rollcall"
)

// entity is what an upsert writes: a user or a group.
type entity int

const (
	userEntity entity = iota
	groupEntity
)

// table names the entity's table.
func (e entity) table() string {
	if e == groupEntity {
		return "groups"
	}
	return "users"
}

// noun names the entity in error sentences.
func (e entity) noun() string {
	if e == groupEntity {
		return "group"
	}
	return "user"
}

// Identify applies items in order in one transaction. The merge happens in
// Go between a read and a write of the same transaction, which is atomic
// because SQLite runs one writer at a time; json_patch is not used because
// it follows RFC 7396 and would delete keys sent as null.
//
// The first touch of each user or group is one upsert that creates the row,
// or moves its updated time and returns its stored properties. Each row is
// then written at most once more, at the end of the call, however many
// items name it: the merged properties stay in memory in between and the
// limits are checked after each item's merge, so the item that breaks them
// is the one named. Rewriting a large row once per item would make a batch
// cost its length times the row's size.
func (s *Store) Identify(ctx context.Context, env string, items []rollcall.Identify) error {
	if len(items) == 0 {
		return nil
	}
	return s.write(ctx, func(ctx context.Context, tx *writeTx) error {
		w := newUpserter(tx.stmts, env, millis(time.Now()), s.limits)
		for i, item := range items {
			if err := w.apply(ctx, item); err != nil {
				return itemError(i, err)
			}
		}
		return w.flush(ctx)
	})
}

// itemError names the item at index i in a client error; other errors are
// internal and only wrapped.
func itemError(i int, err error) error {
	var e *rollcall.Error
	if errors.As(err, &e) {
		return &rollcall.ItemError{Index: i, Err: err}
	}
	return fmt.Errorf("identify item %d: %w", i, err)
}

// rowKey names one user or group of the call's environment.
type rowKey struct {
	entity     entity
	identifier string
}

// pendingRow is a user or group the call has touched: its row id and its
// properties as merged so far.
type pendingRow struct {
	id int64
	// props holds the row's properties once known; until the first merge
	// that needs them, it is nil and stored holds their text, or it is the
	// caller's map, equal to what is stored.
	props  rollcall.Properties
	stored string
	// owned is set once props is this row's own map, safe to merge into;
	// changed is set once a merge changed it after the last write.
	owned, changed bool
}

// own makes props the row's own map of its stored properties.
func (r *pendingRow) own() error {
	if r.owned {
		return nil
	}
	if r.props != nil {
		r.props = r.props.Clone()
	} else {
		props, err := decodeProperties(r.stored)
		if err != nil {
			return err
		}
		r.props = props
	}
	r.owned = true
	return nil
}

// upserter applies the items of one Identify call inside its transaction.
type upserter struct {
	stmts  *writeStmts
	env    string
	now    int64
	limits rollcall.Limits
	rows   map[rowKey]*pendingRow
	order  []rowKey // first touch order, so that flush writes deterministically
	buf    []byte   // reused to encode properties
}

func newUpserter(stmts *writeStmts, env string, now int64, limits rollcall.Limits) *upserter {
	return &upserter{
		stmts: stmts, env: env, now: now, limits: limits, rows: map[rowKey]*pendingRow{},
	}
}

func (w *upserter) apply(ctx context.Context, item rollcall.Identify) error {
	if item.Kind == rollcall.KindGroup {
		_, err := w.upsert(ctx, groupEntity, item.Identifier, item.Properties)
		return err
	}

	userID, err := w.upsert(ctx, userEntity, item.Identifier, item.Properties)
	if err != nil {
		return err
	}
	for _, g := range item.Groups {
		groupID, err := w.upsert(ctx, groupEntity, g.Identifier, g.Properties)
		if err != nil {
			return err
		}
		if _, err := w.stmts.membership.ExecContext(ctx, userID, groupID); err != nil {
			return fmt.Errorf("add user %d to group %d: %w", userID, groupID, err)
		}
	}
	return nil
}

const insertMembership = `INSERT OR IGNORE INTO memberships (user_id, group_id) VALUES (?, ?)`

// upsert merges props into one user or group, creating it if need be, checks
// the limits and returns its row id. Only the first touch is written at
// once (memberships need the id); merges into a row wait for flush.
func (w *upserter) upsert(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (int64, error) {
	key := rowKey{e, id}
	row, ok := w.rows[key]
	if !ok {
		var err error
		if row, err = w.touch(ctx, e, id, props); err != nil {
			return 0, err
		}
		w.rows[key] = row
		w.order = append(w.order, key)
		if row.props != nil {
			// What is stored is what was sent: nothing to merge.
			return row.id, nil
		}
	}
	if len(props) == 0 {
		return row.id, nil
	}

	if err := row.own(); err != nil {
		return 0, fmt.Errorf("read %s %d: %w", e.noun(), row.id, err)
	}
	if mergeChanges(row.props, props) {
		row.changed = true
	}
	return row.id, w.check(e, id, row.props)
}

// touch is the first write of a user or group in the call: one statement
// inserts the row with props, or moves the updated time of the stored row
// and returns its properties. When what is stored then equals what was
// sent, the row is fresh or already holds props, and its props are set.
//
// Sent properties that break the limits alone break them merged too, so
// they fail before anything is written.
func (w *upserter) touch(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (*pendingRow, error) {
	if err := w.check(e, id, props); err != nil {
		return nil, err
	}
	text := w.encode(props)

	row := &pendingRow{}
	err := w.stmts.upsert[e].QueryRowContext(ctx, w.env, id, text, w.now, w.now).
		Scan(&row.id, &row.stored)
	if err != nil {
		return nil, fmt.Errorf("upsert %s: %w", e.noun(), err)
	}
	if row.stored == text {
		row.props = props
		if props == nil {
			row.props = rollcall.Properties{}
			row.owned = true
		}
	}
	return row, nil
}

// check holds merged properties to the limits. The name of the row is
// only spelled out for an error.
func (w *upserter) check(e entity, id string, props rollcall.Properties) error {
	if w.limits.CheckStored("", props) == nil {
		return nil
	}
	return w.limits.CheckStored(e.noun()+" "+rollcall.QuoteID(id), props)
}

// mergeChanges merges src into dst like Properties.Merge and reports
// whether any value changed.
func mergeChanges(dst, src rollcall.Properties) bool {
	changed := false
	for k, v := range src {
		if old, ok := dst[k]; !ok || !bytes.Equal(old, v) {
			dst[k] = v
			changed = true
		}
	}
	return changed
}

// flush writes the merged properties of every row whose properties a merge
// changed, once; the upsert already moved every row's updated time.
func (w *upserter) flush(ctx context.Context) error {
	for _, key := range w.order {
		row := w.rows[key]
		if !row.changed {
			continue
		}
		text := w.encode(row.props)
		if _, err := w.stmts.update[key.entity].ExecContext(ctx, text, row.id); err != nil {
			return fmt.Errorf("update %s: %w", key.entity.noun(), err)
		}
		row.changed = false
	}
	return nil
}

// encode renders properties as their stored text, one JSON object; no
// properties are the empty object.
func (w *upserter) encode(props rollcall.Properties) string {
	if len(props) == 0 {
		return "{}"
	}
	w.buf = props.AppendJSON(w.buf[:0])
	return string(w.buf)
}

// upsertSQL inserts a row, or moves the updated time of the stored one;
// either way it returns the row's id and stored properties.
func upsertSQL(e entity) string {
	return `INSERT INTO ` + e.table() + ` (env, identifier, properties, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (env, identifier) DO UPDATE SET updated_at = excluded.updated_at
		RETURNING id, properties`
}

func updateSQL(e entity) string {
	return `UPDATE ` + e.table() + ` SET properties = ? WHERE id = ?`
}
