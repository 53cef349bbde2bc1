package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/rollcall/rollcall"
)

// env is the environment most scenarios write to.
const env = "test"

// Props turns a JSON object into Properties the way the HTTP layer does;
// "null" yields nil (no change). Store tests of other packages use it too.
func Props(t testing.TB, js string) rollcall.Properties {
	t.Helper()
	v, err := rollcall.DecodeJSON([]byte(js))
	if err != nil {
		t.Fatalf("decode %s: %v", js, err)
	}
	p, err := rollcall.PropertiesFromJSON(v, rollcall.DefaultLimits().MaxDepth)
	if err != nil {
		t.Fatalf("properties %s: %v", js, err)
	}
	return p
}

// userItem builds a user identify.
func userItem(t testing.TB, id, js string, groups ...rollcall.GroupIdentify) rollcall.Identify {
	t.Helper()
	return rollcall.Identify{
		Kind:       rollcall.KindUser,
		Identifier: id,
		Properties: Props(t, js),
		Groups:     groups,
	}
}

// groupItem builds a lone group identify.
func groupItem(t testing.TB, id, js string) rollcall.Identify {
	t.Helper()
	return rollcall.Identify{Kind: rollcall.KindGroup, Identifier: id, Properties: Props(t, js)}
}

// member builds a group to upsert with a user.
func member(t testing.TB, id, js string) rollcall.GroupIdentify {
	t.Helper()
	return rollcall.GroupIdentify{Identifier: id, Properties: Props(t, js)}
}

// identify applies items in env and fails t on error.
func identify(t testing.TB, s rollcall.Store, env string, items ...rollcall.Identify) {
	t.Helper()
	if err := s.Identify(context.Background(), env, items); err != nil {
		t.Fatalf("Identify(%s): %v", env, err)
	}
}

// getUser reads a user that must exist.
func getUser(t testing.TB, s rollcall.Store, env, id string) rollcall.User {
	t.Helper()
	u, err := s.User(context.Background(), env, id)
	if err != nil {
		t.Fatalf("User(%s, %q): %v", env, id, err)
	}
	if u.Identifier != id {
		t.Fatalf("User(%s, %q) returned identifier %q", env, id, u.Identifier)
	}
	return u
}

// getGroup reads a group that must exist.
func getGroup(t testing.TB, s rollcall.Store, env, id string) rollcall.Group {
	t.Helper()
	g, err := s.Group(context.Background(), env, id)
	if err != nil {
		t.Fatalf("Group(%s, %q): %v", env, id, err)
	}
	if g.Identifier != id {
		t.Fatalf("Group(%s, %q) returned identifier %q", env, id, g.Identifier)
	}
	return g
}

// wantCode fails t unless err carries a *rollcall.Error with code.
func wantCode(t testing.TB, err error, code rollcall.Code, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %s", what, code)
	}
	var e *rollcall.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: got %v (%T), want a *rollcall.Error with code %s", what, err, err, code)
	}
	if e.Code != code {
		t.Fatalf("%s: got code %s (%v), want %s", what, e.Code, err, code)
	}
	if e.Details == "" {
		t.Fatalf("%s: error %s has no details", what, code)
	}
}

// wantProps fails t unless got holds exactly the JSON object want, values
// compared as JSON with numbers compared exactly.
func wantProps(t testing.TB, got rollcall.Properties, want string) {
	t.Helper()
	exp := Props(t, want)
	if len(got) != len(exp) {
		t.Fatalf("properties: got %d keys %s, want %s", len(got), describe(got), want)
	}
	for k, wv := range exp {
		gv, ok := got[k]
		if !ok {
			t.Fatalf("properties: key %q missing from %s, want %s", k, describe(got), want)
		}
		if err := sameJSON(gv, wv); err != nil {
			t.Fatalf("properties: key %q: got %s, want %s: %v", k, gv, wv, err)
		}
	}
}

// describe renders properties for a failure message (test data only).
func describe(p rollcall.Properties) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", k, p[k])
	}
	b.WriteByte('}')
	return b.String()
}

// sameJSON reports how two JSON texts differ, or nil when they are the same
// value; numbers are compared as exact rationals, never through float64.
func sameJSON(a, b json.RawMessage) error {
	va, err := decodeExact(a)
	if err != nil {
		return err
	}
	vb, err := decodeExact(b)
	if err != nil {
		return err
	}
	return sameValue(va, vb)
}

func decodeExact(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", raw, err)
	}
	return v, nil
}

func sameValue(a, b any) error {
	switch a := a.(type) {
	case json.Number:
		return sameNumber(a, b)
	case []any:
		bb, ok := b.([]any)
		if !ok || len(a) != len(bb) {
			return fmt.Errorf("array %v differs from %v", a, b)
		}
		for i := range a {
			if err := sameValue(a[i], bb[i]); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	case map[string]any:
		return sameObject(a, b)
	default:
		if a != b {
			return fmt.Errorf("%v (%T) differs from %v (%T)", a, a, b, b)
		}
		return nil
	}
}

func sameObject(a map[string]any, b any) error {
	bb, ok := b.(map[string]any)
	if !ok || len(a) != len(bb) {
		return fmt.Errorf("object %v differs from %v", a, b)
	}
	for k, v := range a {
		w, ok := bb[k]
		if !ok {
			return fmt.Errorf("key %q missing", k)
		}
		if err := sameValue(v, w); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
	}
	return nil
}

func sameNumber(a json.Number, b any) error {
	bn, ok := b.(json.Number)
	if !ok {
		return fmt.Errorf("number %s differs from %v (%T)", a, b, b)
	}
	ra, okA := new(big.Rat).SetString(string(a))
	rb, okB := new(big.Rat).SetString(string(bn))
	if !okA || !okB {
		return fmt.Errorf("cannot read %s or %s as a number", a, bn)
	}
	if ra.Cmp(rb) != 0 {
		return fmt.Errorf("number %s differs from %s", a, bn)
	}
	return nil
}

// wantStrings fails t unless got equals want, element by element.
func wantStrings(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}

// identifiers lists the identifiers of users.
func identifiers(users []rollcall.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.Identifier
	}
	return ids
}

// firstPage asks for the first page of users in identifier order.
func firstPage(limit int) rollcall.UserQuery {
	return rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: limit}}
}

// updatedFirst asks for the first page of users, most recently updated first.
func updatedFirst(limit int) rollcall.UserQuery {
	q := firstPage(limit)
	q.Order = rollcall.ByUpdatedDesc
	return q
}

// listUsers reads one page of users and fails t on error.
func listUsers(t testing.TB, s rollcall.Store, env string, q rollcall.UserQuery) rollcall.UserPage {
	t.Helper()
	page, err := s.Users(context.Background(), env, q)
	if err != nil {
		t.Fatalf("Users(%s, cursor %q): %v", env, q.Cursor, err)
	}
	return page
}
