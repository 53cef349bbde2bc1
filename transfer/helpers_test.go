package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/client"
	"github.com/rollcall/rollcall/httpapi"
	"github.com/rollcall/rollcall/sqlite"
)

const env = "test"

func newStore(t testing.TB, limits rollcall.Limits) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), limits)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newServer serves the real API over st and returns a client with a
// server key of env, and the count of requests the server saw.
func newServer(t testing.TB, st *sqlite.Store) (*client.Client, *atomic.Int32) {
	t.Helper()
	url, secret, requests := serve(t, st)
	return client.New(url, secret), requests
}

// serveStore serves the real API over st and returns its URL and a server
// key of env.
func serveStore(t testing.TB, st *sqlite.Store) (string, string) {
	t.Helper()
	url, secret, _ := serve(t, st)
	return url, secret
}

func serve(t testing.TB, st *sqlite.Store) (string, string, *atomic.Int32) {
	t.Helper()
	secret, key, err := rollcall.NewKey(env, rollcall.KeyServer, nil)
	if err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := st.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("create key: %v", err)
	}

	var requests atomic.Int32
	api := httpapi.New(httpapi.Config{Store: st, Limits: rollcall.DefaultLimits()})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, secret, &requests
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// awkward is data that breaks naive import and export code.
func awkward() []rollcall.Identify {
	return []rollcall.Identify{
		{Identifier: "a/b c", Properties: rollcall.Properties{
			"null":   raw(`null`),
			"big":    raw(`12345678901234567890`),
			"frac":   raw(`0.1000000000000000055511151231257827`),
			"nested": raw(`{"list":[1,"two",{"three":[null,true]}],"empty":{}}`),
			"zip":    raw(`"00123"`),
			"csv":    raw(`"a, \"quoted\"\nsecond line\r\nthird"`),
		}, Groups: []rollcall.GroupIdentify{{Identifier: "g/1", Properties: rollcall.Properties{"tier": raw(`"gold"`)}}}},
		{Identifier: "émoji 🎉 e\u0301", Properties: rollcall.Properties{
			"name":  raw("\"Zoë 🎉 e\u0301 <b>&amp;</b>\""),
			"num":   raw(`-0.0`),
			"true":  raw(`"true"`),
			"123":   raw(`"123"`),
			"a.b$c": raw(`[]`),
		}, Groups: []rollcall.GroupIdentify{{Identifier: "g/1"}, {Identifier: "g 2"}}},
		{Identifier: "007"},
		{Identifier: "plain", Properties: rollcall.Properties{"n": raw(`1e400`)}},
	}
}

func seed(t testing.TB, st rollcall.UserStore, items []rollcall.Identify) {
	t.Helper()
	for i := range items {
		items[i].Kind = rollcall.KindUser
		items[i].Properties = normalise(t, items[i].Properties)
		for j := range items[i].Groups {
			items[i].Groups[j].Properties = normalise(t, items[i].Groups[j].Properties)
		}
	}
	if err := st.Identify(context.Background(), env, items); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// timestamps matches the times an export writes; a fresh store stamps its
// own, so round trips compare everything else.
var timestamps = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`)

func withoutTimes(b []byte) []byte {
	return timestamps.ReplaceAll(b, []byte("TIME"))
}

func sameExport(t testing.TB, first, second []byte) {
	t.Helper()
	if !bytes.Equal(withoutTimes(first), withoutTimes(second)) {
		t.Errorf("exports differ:\nfirst:\n%s\nsecond:\n%s", first, second)
	}
}

// normalise puts props in the form the server stores, as a request's
// properties would be: decoded and re-encoded compactly.
func normalise(t testing.TB, props rollcall.Properties) rollcall.Properties {
	t.Helper()
	if props == nil {
		return nil
	}
	data, err := json.Marshal(props)
	if err != nil {
		t.Fatalf("encode properties: %v", err)
	}
	v, err := rollcall.DecodeJSON(data)
	if err != nil {
		t.Fatalf("decode properties: %v", err)
	}
	out, err := rollcall.PropertiesFromJSON(v, rollcall.DefaultLimits().MaxDepth)
	if err != nil {
		t.Fatalf("properties: %v", err)
	}
	return out
}
