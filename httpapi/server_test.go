package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/httpapi"
)

// TestOverTheNetwork checks through a real listener what a recorder cannot:
// that a too-large body and a panic still get a JSON answer on the wire.
func TestOverTheNetwork(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) {
		c.Limits.MaxBodyBytes = 64
		if c.Store != nil {
			c.Store = panicStore{c.Store}
		}
	})
	srv := httptest.NewServer(f.api)
	t.Cleanup(srv.Close)

	cases := []struct {
		name, method, path, body, code string
		status                         int
	}{
		{"too large", "POST", "/identify", `{"identifier":"` + strings.Repeat("x", 200) + `"}`,
			"payload_too_large_error", 413},
		{"panic", "GET", "/users/x", "", "internal_server_error", 500},
		{"redirect-prone path", "GET", "/users/../healthz", "", "not_found_error", 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+f.server)
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatalf("request failed: %v", err)
			}
			defer res.Body.Close()

			data, _ := io.ReadAll(res.Body)
			var body map[string]string
			if err := json.Unmarshal(data, &body); err != nil || res.StatusCode != c.status ||
				body["code"] != c.code {
				t.Errorf("answer = %d %s, want %d %s", res.StatusCode, data, c.status, c.code)
			}
		})
	}
}

// TestDeclaredLengthOverTheLimit sends only the headers of a request whose
// Content-Length is over the limit and asks to Expect 100-continue: the
// server must answer 413 at once, without inviting the body.
func TestDeclaredLengthOverTheLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.api)
	t.Cleanup(srv.Close)

	cases := []struct{ name, path, length string }{
		{"single", "/identify", "1048577"},
		{"batch", "/identify/batch", "5242881"},
		{"older form", "/identify/u1", "99999999999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nX-Api-Key: %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %s\r\n"+
				"Expect: 100-continue\r\n\r\n", c.path, f.server, c.length)

			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("read answer: %v", err)
			}
			defer res.Body.Close()
			data, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusRequestEntityTooLarge ||
				!strings.Contains(string(data), "payload_too_large_error") {
				t.Errorf("answer = %d %s, want 413 payload_too_large_error", res.StatusCode, data)
			}
		})
	}
}
