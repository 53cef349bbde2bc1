package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

const keyColumns = "prefix, hash, env, kind, origins, created_at, revoked_at"

// CreateKey stores a new key; a prefix already taken is CodeInvalid.
func (s *Store) CreateKey(ctx context.Context, key rollcall.APIKey) error {
	var revoked *time.Time
	if key.Revoked() {
		t := storedTime(key.RevokedAt)
		revoked = &t
	}
	origins := key.Origins
	if origins == nil {
		origins = []string{}
	}

	_, err := s.pool.Exec(ctx,
		"INSERT INTO api_keys ("+keyColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7)",
		key.Prefix, key.Hash, key.Environment, string(key.Kind), origins,
		storedTime(key.CreatedAt), revoked)
	if isCode(err, codeUniqueViolation) {
		return rollcall.Errorf(rollcall.CodeInvalid,
			"an API key with prefix %q already exists", key.Prefix)
	}
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	return nil
}

// KeyByPrefix returns the key with that prefix, revoked or not.
func (s *Store) KeyByPrefix(ctx context.Context, prefix string) (rollcall.APIKey, error) {
	row := s.pool.QueryRow(ctx, "SELECT "+keyColumns+" FROM api_keys WHERE prefix = $1", prefix)
	key, err := scanKey(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return rollcall.APIKey{}, noKey(prefix)
	}
	if err != nil {
		return rollcall.APIKey{}, fmt.Errorf("read key: %w", err)
	}
	return key, nil
}

func noKey(prefix string) error {
	return rollcall.Errorf(rollcall.CodeNotFound, "no API key with prefix %q", prefix)
}

func scanKey(row pgx.Row) (rollcall.APIKey, error) {
	var k rollcall.APIKey
	var kind string
	var revoked *time.Time
	err := row.Scan(&k.Prefix, &k.Hash, &k.Environment, &kind, &k.Origins, &k.CreatedAt, &revoked)
	if err != nil {
		return rollcall.APIKey{}, err
	}

	k.Kind = rollcall.KeyKind(kind)
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked != nil {
		k.RevokedAt = revoked.UTC()
	}
	if len(k.Origins) == 0 {
		k.Origins = nil
	}
	return k, nil
}

// Keys lists every key of every environment, oldest first.
func (s *Store) Keys(ctx context.Context) ([]rollcall.APIKey, error) {
	rows, err := s.pool.Query(ctx,
		"SELECT "+keyColumns+" FROM api_keys ORDER BY created_at, prefix")
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()

	keys := []rollcall.APIKey{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return keys, nil
}

// RevokeKey marks the key revoked. Revoking a revoked key keeps the time of
// the first revocation.
func (s *Store) RevokeKey(ctx context.Context, prefix string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys
		SET revoked_at = COALESCE(revoked_at, date_trunc('milliseconds', now()))
		WHERE prefix = $1`, prefix)
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return noKey(prefix)
	}
	return nil
}
