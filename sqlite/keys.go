package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rollcall/rollcall"
)

const selectKeysSQL = `
SELECT prefix, hash, environment, kind, origins, created_at, revoked_at FROM api_keys`

const (
	countKeySQL  = `SELECT count(*) FROM api_keys WHERE prefix = ?`
	insertKeySQL = `INSERT INTO api_keys (prefix, hash, environment, kind, origins, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`
)

// CreateKey stores a new key. A prefix already taken is CodeInvalid: the
// caller should make a new key.
func (s *Store) CreateKey(ctx context.Context, key rollcall.APIKey) error {
	origins, err := json.Marshal(nonNil(key.Origins))
	if err != nil {
		return fmt.Errorf("encode key origins: %w", err)
	}

	return s.changeKeys(ctx, func(ctx context.Context, tx *writeTx) error {
		var taken int
		err := tx.QueryRowContext(ctx, countKeySQL, key.Prefix).Scan(&taken)
		if err != nil {
			return fmt.Errorf("check key prefix: %w", err)
		}
		if taken > 0 {
			return rollcall.Errorf(rollcall.CodeInvalid,
				"an API key with prefix %q already exists", key.Prefix)
		}

		_, err = tx.ExecContext(ctx, insertKeySQL, key.Prefix, key.Hash, key.Environment,
			string(key.Kind), string(origins), millis(key.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert key: %w", err)
		}
		return nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// KeyByPrefix returns the key with that prefix, revoked or not. It answers
// from a cache while no store, in this process or another, has created or
// revoked a key since the key was read (see keyCache); else it reads
// through the pool, which sees every commit.
func (s *Store) KeyByPrefix(ctx context.Context, prefix string) (rollcall.APIKey, error) {
	return s.keys.lookup(ctx, prefix, s.readKey)
}

// readKey reads the key with that prefix from the database.
func (s *Store) readKey(ctx context.Context, prefix string) (rollcall.APIKey, error) {
	var key rollcall.APIKey
	err := s.reader.do(ctx, func(rc *readConn) error {
		var err error
		key, err = scanKey(rc.conn.QueryRowContext(ctx, selectKeysSQL+` WHERE prefix = ?`, prefix))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return key, rollcall.Errorf(rollcall.CodeNotFound, "no API key with prefix %q", prefix)
	}
	return key, err
}

// Keys lists every key of every environment, oldest first.
func (s *Store) Keys(ctx context.Context) ([]rollcall.APIKey, error) {
	var keys []rollcall.APIKey
	err := s.reader.do(ctx, func(rc *readConn) error {
		rows, err := rc.conn.QueryContext(ctx, selectKeysSQL+` ORDER BY created_at, prefix`)
		if err != nil {
			return fmt.Errorf("select keys: %w", err)
		}
		keys, err = scanKeys(rows)
		return err
	})
	return keys, err
}

// scanKeys reads and closes rows of selectKeysSQL.
func scanKeys(rows *sql.Rows) ([]rollcall.APIKey, error) {
	defer rows.Close()
	var keys []rollcall.APIKey
	for rows.Next() {
		key, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select keys: %w", err)
	}
	return keys, nil
}

// RevokeKey marks a key revoked. Revoking it again keeps the first time.
func (s *Store) RevokeKey(ctx context.Context, prefix string) error {
	return s.changeKeys(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE prefix = ?`,
			millis(time.Now()), prefix)
		if err != nil {
			return fmt.Errorf("revoke key: %w", err)
		}
		return wantOneRow(res, "no API key with prefix %q", prefix)
	})
}

// changeKeys runs a write to the key table between two moves of the key
// stamp: the first makes every cache read the table again, the second
// makes them read it again after the commit, so that no store keeps a key
// it read while the write was under way.
func (s *Store) changeKeys(ctx context.Context, fn writeFunc) error {
	if err := s.keys.touch(); err != nil {
		return err
	}
	if err := s.write(ctx, fn); err != nil {
		return err
	}
	if err := s.keys.touch(); err != nil {
		return fmt.Errorf("the key change is stored, but other servers may see it only "+
			"after %s: %w", keyCacheMaxAge, err)
	}
	return nil
}

func scanKey(row scanner) (rollcall.APIKey, error) {
	var key rollcall.APIKey
	var kind, origins string
	var created int64
	var revoked sql.NullInt64
	err := row.Scan(&key.Prefix, &key.Hash, &key.Environment, &kind, &origins, &created, &revoked)
	if err != nil {
		return key, fmt.Errorf("scan key: %w", err)
	}

	if err := json.Unmarshal([]byte(origins), &key.Origins); err != nil {
		return key, fmt.Errorf("key %s origins: %w", key.Prefix, err)
	}
	key.Kind = rollcall.KeyKind(kind)
	key.CreatedAt = fromMillis(created)
	if revoked.Valid {
		key.RevokedAt = fromMillis(revoked.Int64)
	}
	return key, nil
}
