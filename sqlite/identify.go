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
func (s *Store) Identify(ctx context.Context, env string, items []rollcall.Identify) error {
	if len(items) == 0 {
		return nil
	}
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		stmts := s.stmts.in(ctx, tx)
		w := upserter{stmts: stmts, env: env, now: millis(time.Now()), limits: s.limits}
		for i, item := range items {
			if err := w.apply(ctx, item); err != nil {
				return itemError(i, err)
			}
		}
		return nil
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

// upserter applies the items of one Identify call inside its transaction.
type upserter struct {
	stmts  *writeStmts
	env    string
	now    int64
	limits rollcall.Limits
}

func (w upserter) apply(ctx context.Context, item rollcall.Identify) error {
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

// upsert creates or merges one user or group and returns its row id.
func (w upserter) upsert(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (int64, error) {
	rowID, current, err := w.current(ctx, e, id)
	if errors.Is(err, sql.ErrNoRows) {
		return w.insert(ctx, e, id, props)
	}
	if err != nil {
		return 0, err
	}

	if len(props) == 0 {
		// Nothing to merge, but the identify still touches the row.
		_, err := w.stmts.touch[e].ExecContext(ctx, w.now, rowID)
		if err != nil {
			return 0, fmt.Errorf("touch %s: %w", e.noun(), err)
		}
		return rowID, nil
	}

	current.Merge(props)
	text, err := w.encode(e, id, current)
	if err != nil {
		return 0, err
	}
	if _, err := w.stmts.update[e].ExecContext(ctx, text, w.now, rowID); err != nil {
		return 0, fmt.Errorf("update %s: %w", e.noun(), err)
	}
	return rowID, nil
}

// current reads the row id and properties of a stored user or group; it
// returns sql.ErrNoRows when there is none.
func (w upserter) current(
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

func (w upserter) insert(
	ctx context.Context, e entity, id string, props rollcall.Properties,
) (int64, error) {
	if props == nil {
		props = rollcall.Properties{}
	}
	text, err := w.encode(e, id, props)
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

// encode checks merged properties against the limit and returns their
// stored text.
func (w upserter) encode(e entity, id string, props rollcall.Properties) (string, error) {
	if max := w.limits.MaxProperties; max > 0 && len(props) > max {
		return "", rollcall.Errorf(rollcall.CodeInvalid,
			"%s %q would have %d properties after the merge; the limit is %d",
			e.noun(), id, len(props), max)
	}
	return encodeProperties(props)
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
