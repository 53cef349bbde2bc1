package webui_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
)

// logBuffer collects log lines written from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// record returns the attributes of the first log line with message msg.
func (l *logBuffer) record(t testing.TB, msg string) map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for line := range strings.Lines(l.buf.String()) {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if r["msg"] == msg {
			return r
		}
	}
	t.Fatalf("no log line %q in:\n%s", msg, l.buf.String())
	return nil
}

func TestLogAttributes(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	f := newLoggingFixture(t, &logs)
	secret := f.createKey(t, "prod", rollcall.KeyServer)
	prefix, _ := rollcall.SecretPrefix(secret)
	f.addUser(t, "prod", "u-gone", `{}`)

	b := f.browser(t)
	b.mustSignIn(t, secret)
	confirm := b.get(t, "/ui/delete/users/u-gone")
	p := b.post(t, "/ui/delete/users/u-gone", f.url,
		url.Values{"csrf": {field(t, confirm.body, "csrf")}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("delete: status %d, body %s", p.status, p.body)
	}

	for _, msg := range []string{"signed in to the web pages", "user deleted from the web pages"} {
		t.Run(msg, func(t *testing.T) {
			r := logs.record(t, msg)
			if r["env"] != "prod" || r["key_prefix"] != prefix {
				t.Errorf("env %v, key_prefix %v; want prod and %s", r["env"], r["key_prefix"], prefix)
			}
			for _, name := range []string{"key", "environment"} {
				if v, ok := r[name]; ok {
					t.Errorf("the line has an attribute %s=%v", name, v)
				}
			}
		})
	}
}
