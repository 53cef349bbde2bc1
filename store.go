package rollcall

import "context"

// Store keeps users, groups, memberships and API keys. Every method that
// takes env reads or writes only that environment's data.
//
// Errors a client may see are *Error values (CodeNotFound for unknown users,
// groups and memberships; CodeInvalid for limits broken by a merge, wrapped
// in an *ItemError naming the item). Anything else is internal.
type Store interface {
	UserStore
	KeyStore

	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	// Close releases the store; writes committed before it are durable.
	Close() error
}

// UserStore reads and writes users, groups and memberships.
type UserStore interface {
	// Identify applies items in order in one transaction: either all are
	// committed or none is. It returns only after the commit is durable.
	Identify(ctx context.Context, env string, items []Identify) error

	// User returns one user with its groups.
	User(ctx context.Context, env, identifier string) (User, error)
	// Users returns one page of users.
	Users(ctx context.Context, env string, q UserQuery) (UserPage, error)
	// DeleteUser removes a user and its memberships.
	DeleteUser(ctx context.Context, env, identifier string) error

	// Group returns one group with its member count.
	Group(ctx context.Context, env, identifier string) (Group, error)
	// Groups returns one page of groups in identifier order.
	Groups(ctx context.Context, env string, p PageRequest) (GroupPage, error)
	// GroupMembers returns one page of a group's members in identifier
	// order; an unknown group is CodeNotFound.
	GroupMembers(ctx context.Context, env, group string, p PageRequest) (UserPage, error)
	// DeleteGroup removes a group and its memberships; the users stay.
	DeleteGroup(ctx context.Context, env, identifier string) error
	// DeleteMembership removes one user's membership of one group; a
	// membership that does not exist is CodeNotFound.
	DeleteMembership(ctx context.Context, env, user, group string) error
}

// KeyStore keeps API keys. Keys are stored only as a hash and a prefix.
type KeyStore interface {
	// CreateKey stores a new key; a prefix already taken is an error.
	CreateKey(ctx context.Context, key APIKey) error
	// KeyByPrefix returns the key with that prefix, revoked or not; an
	// unknown prefix is CodeNotFound.
	KeyByPrefix(ctx context.Context, prefix string) (APIKey, error)
	// Keys lists every key of every environment, oldest first.
	Keys(ctx context.Context) ([]APIKey, error)
	// RevokeKey marks the key with that prefix revoked; an unknown prefix is
	// CodeNotFound.
	RevokeKey(ctx context.Context, prefix string) error
}

// PageRequest asks for one page of a list. Cursor is empty for the first
// page, else a NextCursor the same store returned; a cursor the store did
// not issue is CodeInvalid.
type PageRequest struct {
	Limit  int
	Cursor string
}

// UserOrder chooses the order of a user list.
type UserOrder int

const (
	// ByIdentifier orders users by identifier, byte by byte. Paging in this
	// order never repeats or skips a user that exists for the whole walk.
	ByIdentifier UserOrder = iota
	// ByUpdatedDesc orders the most recently updated users first (then by
	// identifier), for people browsing the web pages.
	ByUpdatedDesc
)

// UserQuery asks for one page of users, optionally filtered.
type UserQuery struct {
	PageRequest
	Order UserOrder
	// Search, when not empty, keeps users whose identifier starts with it,
	// byte for byte, or whose "email" property is a string that starts
	// with it, ignoring case.
	Search string
}

// UserPage is one page of users. NextCursor is empty on the last page.
type UserPage struct {
	Users      []User
	NextCursor string
}

// GroupPage is one page of groups. NextCursor is empty on the last page.
type GroupPage struct {
	Groups     []Group
	NextCursor string
}
