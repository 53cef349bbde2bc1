package postgres

import (
	"context"
	"errors"

	"github.com/rollcall/rollcall"
)

// Store keeps rollcall data in a PostgreSQL database.
type Store struct {
	limits rollcall.Limits
}

var _ rollcall.Store = (*Store)(nil)

var errTODO = errors.New("postgres store: not implemented yet")

// Open connects to the database at url and applies pending migrations.
func Open(ctx context.Context, url string, limits rollcall.Limits) (*Store, error) {
	return nil, errTODO
}

// Identify applies items in order in one transaction.
func (s *Store) Identify(ctx context.Context, env string, items []rollcall.Identify) error {
	return errTODO
}

// User returns one user with its groups.
func (s *Store) User(ctx context.Context, env, identifier string) (rollcall.User, error) {
	return rollcall.User{}, errTODO
}

// Users returns one page of users.
func (s *Store) Users(ctx context.Context, env string, q rollcall.UserQuery) (rollcall.UserPage, error) {
	return rollcall.UserPage{}, errTODO
}

// DeleteUser removes a user and its memberships.
func (s *Store) DeleteUser(ctx context.Context, env, identifier string) error { return errTODO }

// Group returns one group with its member count.
func (s *Store) Group(ctx context.Context, env, identifier string) (rollcall.Group, error) {
	return rollcall.Group{}, errTODO
}

// Groups returns one page of groups.
func (s *Store) Groups(ctx context.Context, env string, p rollcall.PageRequest) (rollcall.GroupPage, error) {
	return rollcall.GroupPage{}, errTODO
}

// GroupMembers returns one page of a group's members.
func (s *Store) GroupMembers(ctx context.Context, env, group string, p rollcall.PageRequest) (rollcall.UserPage, error) {
	return rollcall.UserPage{}, errTODO
}

// DeleteGroup removes a group and its memberships.
func (s *Store) DeleteGroup(ctx context.Context, env, identifier string) error { return errTODO }

// DeleteMembership removes one membership.
func (s *Store) DeleteMembership(ctx context.Context, env, user, group string) error {
	return errTODO
}

// CreateKey stores a new key.
func (s *Store) CreateKey(ctx context.Context, key rollcall.APIKey) error { return errTODO }

// KeyByPrefix returns the key with that prefix.
func (s *Store) KeyByPrefix(ctx context.Context, prefix string) (rollcall.APIKey, error) {
	return rollcall.APIKey{}, errTODO
}

// Keys lists every key.
func (s *Store) Keys(ctx context.Context) ([]rollcall.APIKey, error) { return nil, errTODO }

// RevokeKey revokes the key with that prefix.
func (s *Store) RevokeKey(ctx context.Context, prefix string) error { return errTODO }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return errTODO }

// Close releases the pool.
func (s *Store) Close() error { return nil }
