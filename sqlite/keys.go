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

	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
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

// KeyByPrefix returns the key with that prefix, revoked or not. It reads
// through the pool, which sees every commit, this process's or another's.
func (s *Store) KeyByPrefix(ctx context.Context, prefix string) (rollcall.APIKey, error) {
	row := s.reader.QueryRowContext(ctx, selectKeysSQL+` WHERE prefix = ?`, prefix)
	key, err := scanKey(row)
	if errors.Is(err, sql.ErrNoRows) {
		return key, rollcall.Errorf(rollcall.CodeNotFound, "no API key with prefix %q", prefix)
	}
	return key, err
}

// Keys lists every key of every environment, oldest first.
func (s *Store) Keys(ctx context.Context) ([]rollcall.APIKey, error) {
	rows, err := s.reader.QueryContext(ctx, selectKeysSQL+` ORDER BY created_at, prefix`)
	if err != nil {
		return nil, fmt.Errorf("select keys: %w", err)
	}
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
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE prefix = ?`,
			millis(time.Now()), prefix)
		if err != nil {
			return fmt.Errorf("revoke key: %w", err)
		}
		return wantOneRow(res, "no API key with prefix %q", prefix)
	})
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
