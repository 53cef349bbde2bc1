package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/syncbuf"

	"github.com/rollcall/rollcall/cli"
)

// requestLines returns the "request" lines logged so far, decoded.
func requestLines(t testing.TB, b *syncbuf.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(b.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "request" {
			lines = append(lines, rec)
		}
	}
	return lines
}

// startLoggedServer starts a server over a new SQLite file that logs JSON
// to the returned buffer.
func startLoggedServer(t testing.TB) (*cli.Server, *syncbuf.Buffer) {
	t.Helper()
	cfg, err := cli.ParseServeConfig([]string{"--addr", "127.0.0.1:0", "--db", tempDB(t)}, cli.Env{})
	if err != nil {
		t.Fatalf("parse serve config: %v", err)
	}
	logs := &syncbuf.Buffer{}
	srv := runServer(t, cfg, &bytes.Buffer{}, slog.New(slog.NewJSONHandler(logs, nil)))
	return srv, logs
}

func TestWebPagesAreLoggedAndCounted(t *testing.T) {
	t.Parallel()
	srv, logs := startLoggedServer(t)

	res, err := http.Get(srv.URL() + "/ui/signin")
	if err != nil {
		t.Fatalf("GET /ui/signin: %v", err)
	}
	res.Body.Close()
	id := res.Header.Get("X-Request-Id")

	t.Run("one log line with the request ID", func(t *testing.T) {
		lines := requestLines(t, logs)
		if len(lines) != 1 {
			t.Fatalf("logged %d request lines, want 1: %v", len(lines), lines)
		}
		line := lines[0]
		if id == "" || line["request_id"] != id || line["route"] != "ui" {
			t.Errorf("line %v; want request_id %q and route ui", line, id)
		}
		if line["status"] != float64(res.StatusCode) {
			t.Errorf("line status %v, answer %d", line["status"], res.StatusCode)
		}
	})

	t.Run("counted under the ui route", func(t *testing.T) {
		body := wantStatus(t, http.StatusOK, "GET", srv.URL()+"/metrics", "", "")
		want := `rollcall_http_requests_total{method="GET",route="ui",status="200"} 1`
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
		if strings.Contains(body, "/ui/signin") {
			t.Error("/metrics holds a page's path")
		}
	})
}

// TestWebPageLogLinesCarryTheRequestID signs in through the pages and
// checks that the pages' own line about it names the same request as the
// request line and the answer's X-Request-Id.
func TestWebPageLogLinesCarryTheRequestID(t *testing.T) {
	t.Parallel()
	cfg, err := cli.ParseServeConfig([]string{"--addr", "127.0.0.1:0", "--db", tempDB(t)}, cli.Env{})
	if err != nil {
		t.Fatalf("parse serve config: %v", err)
	}
	logs, out := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	srv := runServer(t, cfg, out, slog.New(slog.NewJSONHandler(logs, nil)))
	secret, _ := bootstrapKeys(t, out.String())

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	res, err := client.Get(srv.URL() + "/ui/signin")
	if err != nil {
		t.Fatalf("GET /ui/signin: %v", err)
	}
	html, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(html)
	if m == nil {
		t.Fatalf("the sign-in page has no csrf field:\n%s", html)
	}

	form := url.Values{"key": {secret}, "csrf": {string(m[1])}}
	req, _ := http.NewRequest("POST", srv.URL()+"/ui/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL())
	res, err = client.Do(req)
	if err != nil {
		t.Fatalf("POST /ui/signin: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in answered %d, want 303", res.StatusCode)
	}

	id := res.Header.Get("X-Request-Id")
	var found bool
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "signed in to the web pages" {
			found = true
			if id == "" || rec["request_id"] != id {
				t.Errorf("sign-in line %v; want request_id %q", rec, id)
			}
		}
	}
	if !found {
		t.Errorf("no sign-in line was logged:\n%s", logs.String())
	}
}
