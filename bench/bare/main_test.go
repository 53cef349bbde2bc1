package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	h := newHandler(rollcall.DefaultLimits())
	tests := []struct {
		name, method, path, key, body string
		status                        int
		answer                        string
	}{
		{"identify", "POST", "/identify", "k", `{"identifier":"u1","properties":{"a":1}}`,
			200, `{"count":1}`},
		{"batch", "POST", "/identify/batch", "k", `[{"identifier":"a"},{"identifier":2}]`,
			200, `{"count":2}`},
		{"group", "POST", "/identify/group", "k", `{"identifier":"g","properties":null}`,
			200, `{"count":1}`},
		{"bad item names its index", "POST", "/identify/batch", "k", `[{"identifier":"a"},{}]`,
			400, `"item 1: `},
		{"bad properties", "POST", "/identify", "k", `{"identifier":"u","properties":3}`,
			400, `invalid_request_error`},
		{"no key", "POST", "/identify", "", `{"identifier":"u"}`, 401, `unauthorized_error`},
		{"read", "GET", "/users/u%2F1", "k", "", 200, `"identifier":"u/1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.key != "" {
				req.Header.Set("x-api-key", tt.key)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.answer) {
				t.Errorf("%s %s = %d %s; want %d containing %s", tt.method, tt.path,
					rec.Code, rec.Body.String(), tt.status, tt.answer)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
		})
	}
}
