package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
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
// Each user or group the call names is read once and written once, at the
// end of the call, however many items name it: the merged properties stay
// in memory in between and the limits are checked after each item's merge,
// so the item that breaks them is the one named. Rewriting a large row once
// per item would make a batch cost its length times the row's size.
func (s *Store) Identify(ctx context.Context, env string, items []rollcall.Identify) error {
	if len(items) == 0 {
		return nil
	}
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		w := newUpserter(s.stmts.in(ctx, tx), env, millis(time.Now()), s.limits)
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
	id    int64
	props rollcall.Properties
	// inserted is set for a row this call created, whose stored times are
	// already now; changed is set once properties were merged after the
	// last write of the row.
	inserted, changed bool
}

// upserter applies the items of one Identify call inside its transaction.
type upserter struct {
	stmts  *writeStmts
	env    string
	now    int64
	limits rollcall.Limits
	rows   map[rowKey]*pendingRow
	order  []rowKey // first touch order, so that flush writes deterministically
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
// the limits and returns its row id. Only a creation is written at once
// (memberships need the id); merges into a row wait for flush.
func (w *upserter) upsert(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (int64, error) {
	key := rowKey{e, id}
	row, ok := w.rows[key]
	if !ok {
		var err error
		if row, err = w.load(ctx, e, id, props); err != nil {
			return 0, err
		}
		w.rows[key] = row
		w.order = append(w.order, key)
		if row.inserted {
			return row.id, nil
		}
	}
	if len(props) == 0 {
		return row.id, nil
	}

	row.props.Merge(props)
	row.changed = true
	if err := w.limits.CheckStored(e.noun()+" "+rollcall.QuoteID(id), row.props); err != nil {
		return 0, err
	}
	return row.id, nil
}

// load reads a stored user or group, or inserts it with props when there is
// none.
func (w *upserter) load(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (*pendingRow, error) {
	rowID, current, err := w.current(ctx, e, id)
	if err == nil {
		return &pendingRow{id: rowID, props: current}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}

	// A copy: later items merge into it, and the caller's map is not ours.
	fresh := props.Clone()
	if err := w.limits.CheckStored(e.noun()+" "+rollcall.QuoteID(id), fresh); err != nil {
		return nil, err
	}
	rowID, err = w.insert(ctx, e, id, fresh)
	if err != nil {
		return nil, err
	}
	return &pendingRow{id: rowID, props: fresh, inserted: true}, nil
}

// flush writes every row the call touched, once: merged properties where
// they changed, else just the updated time of a row that was already
// stored.
func (w *upserter) flush(ctx context.Context) error {
	for _, key := range w.order {
		row := w.rows[key]
		if err := w.write(ctx, key.entity, row); err != nil {
			return err
		}
	}
	return nil
}

func (w *upserter) write(ctx context.Context, e entity, row *pendingRow) error {
	if !row.changed {
		if row.inserted {
			return nil
		}
		// Nothing merged, but the identify still touches the row.
		if _, err := w.stmts.touch[e].ExecContext(ctx, w.now, row.id); err != nil {
			return fmt.Errorf("touch %s: %w", e.noun(), err)
		}
		return nil
	}

	text, err := encodeProperties(row.props)
	if err != nil {
		return err
	}
	if _, err := w.stmts.update[e].ExecContext(ctx, text, w.now, row.id); err != nil {
		return fmt.Errorf("update %s: %w", e.noun(), err)
	}
	return nil
}

// current reads the row id and properties of a stored user or group; it
// returns sql.ErrNoRows when there is none.
func (w *upserter) current(
	ctx context.Context, e entity, id string,
) (int64, rollcall.Properties, error) {
	var rowID int64
	var text string
	err := w.stmts.current[e].QueryRowContext(ctx, w.env, id).Scan(&rowID, &text)
	if err != nil {
		return 0, nil, err
	}

	props, err := decodeProperties(text)
	if err != nil {
		return 0, nil, fmt.Errorf("read %s %d: %w", e.noun(), rowID, err)
	}
	return rowID, props, nil
}

func (w *upserter) insert(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (int64, error) {
	text, err := encodeProperties(props)
	if err != nil {
		return 0, err
	}

	var rowID int64
	err = w.stmts.insert[e].QueryRowContext(ctx, w.env, id, text, w.now, w.now).Scan(&rowID)
	if err != nil {
		return 0, fmt.Errorf("insert %s: %w", e.noun(), err)
	}
	return rowID, nil
}

func selectCurrentSQL(e entity) string {
	return `SELECT id, properties FROM ` + e.table() + ` WHERE env = ? AND identifier = ?`
}

func insertSQL(e entity) string {
	return `INSERT INTO ` + e.table() + ` (env, identifier, properties, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`
}

func updateSQL(e entity) string {
	return `UPDATE ` + e.table() + ` SET properties = ?, updated_at = ? WHERE id = ?`
}

func touchSQL(e entity) string {
	return `UPDATE ` + e.table() + ` SET updated_at = ? WHERE id = ?`
}

// encodeProperties renders properties as one JSON object. Values are
// already compact JSON; HTML escaping is off so that strings are stored as
// sent.
func encodeProperties(props rollcall.Properties) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(props); err != nil {
		return "", fmt.Errorf("encode properties: %w", err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// decodeProperties reads stored properties; each value keeps its exact
// JSON text, numbers included.
func decodeProperties(text string) (rollcall.Properties, error) {
	props := rollcall.Properties{}
	if err := json.Unmarshal([]byte(text), &props); err != nil {
		return nil, fmt.Errorf("decode properties: %w", err)
	}
	return props, nil
}
