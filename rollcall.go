// Package rollcall holds the domain of the rollcall users API: users, groups,
// their properties, API keys, the error codes and the Store interface that
// every storage adapter implements.
//
// It imports only the standard library. Adapters live in their own packages
// (sqlite, postgres, httpapi, webui, ...) and only cmd/rollcall wires them.
package rollcall

import (
	"encoding/json"
	"time"
)

// Properties maps a property key to its value. Each value is compact JSON as
// produced by DecodeProperties: numbers keep their exact text, nested objects
// have their repeated keys resolved (last wins), and null is a value.
type Properties map[string]json.RawMessage

// Merge copies every key of src into p, replacing existing values. Nothing is
// ever removed: a null in src is stored as null.
func (p Properties) Merge(src Properties) {
	for k, v := range src {
		p[k] = v
	}
}

// Clone returns a shallow copy of p that can be merged into safely.
func (p Properties) Clone() Properties {
	out := make(Properties, len(p))
	for k, v := range p {
		out[k] = v
	}
	return out
}

// User is one identified user of an environment.
type User struct {
	Identifier string
	Properties Properties
	// Groups holds the identifiers of the groups the user belongs to, in
	// byte order.
	Groups    []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Group is a company, workspace or team that users belong to.
type Group struct {
	Identifier  string
	Properties  Properties
	MemberCount int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Kind tells what an Identify upserts.
type Kind int

const (
	// KindUser upserts a user, its groups and its memberships.
	KindUser Kind = iota
	// KindGroup upserts a group alone.
	KindGroup
)

// Identify is one upsert of a write request: a user with the groups it
// belongs to, or a lone group. A nil Properties means no change.
type Identify struct {
	Kind       Kind
	Identifier string
	Properties Properties
	// Groups are upserted and the user made a member of each; only for
	// KindUser.
	Groups []GroupIdentify
}

// GroupIdentify upserts one group as part of a user's Identify.
type GroupIdentify struct {
	Identifier string
	Properties Properties
}

// TimeFormat is how timestamps travel on the wire: RFC 3339, UTC, with
// milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// FormatTime formats t as the wire expects.
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}
