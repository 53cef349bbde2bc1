package cli_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/cli"
)

func TestKeys(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	srv, _ := startServer(t, db)

	created := mustRun(t, "keys", "create", "--db", db, "--env", "production", "--kind", "server")
	secret := lastLine(created.stdout)
	prefix := secret[:12]
	browser := lastLine(mustRun(t, "keys", "create", "--db", db, "--env", "production",
		"--kind", "browser", "--origin", "https://app.example.com/",
		"--origin", "http://localhost:3000").stdout)

	t.Run("create prints a label and the key alone on the last line", func(t *testing.T) {
		if !strings.HasPrefix(secret, "rcs_") || strings.ContainsAny(secret, " \t") {
			t.Errorf("last line %q is not a server key", secret)
		}
		if !strings.HasPrefix(browser, "rcb_") {
			t.Errorf("last line %q is not a browser key", browser)
		}
		if lines := strings.Split(strings.TrimSpace(created.stdout), "\n"); len(lines) < 2 {
			t.Errorf("keys create printed no label before the key:\n%s", created.stdout)
		}
	})

	t.Run("a new key works on the running server", func(t *testing.T) {
		wantStatus(t, http.StatusOK, "POST", srv.URL()+"/identify", secret,
			`{"identifier": "k1"}`)
		wantStatus(t, http.StatusOK, "GET", srv.URL()+"/users/k1", secret, "")
	})

	t.Run("list shows prefixes and origins, never whole keys", func(t *testing.T) {
		out := mustRun(t, "keys", "list", "--db", db).stdout
		for _, want := range []string{"PREFIX", prefix, browser[:12], "production",
			"https://app.example.com,http://localhost:3000"} {
			if !strings.Contains(out, want) {
				t.Errorf("keys list lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, secret) || strings.Contains(out, browser) {
			t.Errorf("keys list shows a whole key:\n%s", out)
		}
	})

	t.Run("revoke through another store handle answers 401 at once", func(t *testing.T) {
		out := mustRun(t, "keys", "revoke", "--db", db, prefix).stdout
		want := "Revoked key " + prefix + ". Servers on this SQLite file refuse it at once.\n"
		if out != want {
			t.Errorf("keys revoke printed %q, want %q", out, want)
		}
		wantStatus(t, http.StatusUnauthorized, "GET", srv.URL()+"/users/k1", secret, "")
		wantStatus(t, http.StatusUnauthorized, "POST", srv.URL()+"/identify", secret,
			`{"identifier": "k2"}`)
	})

	t.Run("list shows the revocation", func(t *testing.T) {
		for _, line := range strings.Split(mustRun(t, "keys", "list", "--db", db).stdout, "\n") {
			if strings.HasPrefix(line, prefix) && strings.HasSuffix(strings.TrimSpace(line), "-") {
				t.Errorf("revoked key listed without a revocation time: %q", line)
			}
		}
	})

	t.Run("revoking a revoked key says when and succeeds", func(t *testing.T) {
		out := mustRun(t, "keys", "revoke", "--db", db, prefix).stdout
		pattern := `^Key ` + prefix + ` was already revoked on ` +
			`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\.\n$`
		if !regexp.MustCompile(pattern).MatchString(out) {
			t.Errorf("keys revoke again printed %q, want it to match %s", out, pattern)
		}
	})

	t.Run("revoking an unknown prefix fails", func(t *testing.T) {
		r := run(t, nil, "keys", "revoke", "--db", db, "rcs_zzzzzzzz")
		if r.code != cli.ExitFailure || !strings.Contains(r.stderr, "rcs_zzzzzzzz") {
			t.Errorf("exit %d, stderr %q; want 1 naming the prefix", r.code, r.stderr)
		}
	})
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out := mustRun(t, "version").stdout
	if !strings.Contains(out, "1.2.3-test") || !strings.Contains(out, "go1.") {
		t.Errorf("version printed %q, want the version and the Go version", out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"no command", nil, nil, "command is required"},
		{"unknown command", nil, []string{"frobnicate"}, "unknown command"},
		{"unknown keys command", nil, []string{"keys", "rotate"}, "unknown command"},
		{"unknown flag", nil, []string{"serve", "--port", "80"}, "-port"},
		{"stray argument", nil, []string{"keys", "list", "--db", db, "extra"}, "extra"},
		{"bad address", nil, []string{"serve", "--addr", "8080"}, "HOST:PORT"},
		{"bad log format", nil, []string{"serve", "--log-format", "xml"}, "text or json"},
		{"bad log level", nil, []string{"serve", "--log-level", "loud"}, "log-level"},
		{"bad limit in env", map[string]string{"ROLLCALL_MAX_BODY": "lots"},
			[]string{"serve", "--db", db}, "ROLLCALL_MAX_BODY"},
		{"create without env", nil, []string{"keys", "create", "--db", db, "--kind", "server"},
			"--env"},
		{"create with a bad env", nil, []string{"keys", "create", "--db", db,
			"--env", "no spaces", "--kind", "server"}, "--env"},
		{"create with a bad kind", nil, []string{"keys", "create", "--db", db,
			"--env", "prod", "--kind", "admin"}, "server or browser"},
		{"origin on a server key", nil, []string{"keys", "create", "--db", db,
			"--env", "prod", "--kind", "server", "--origin", "https://a.example"}, "browser"},
		{"origin with a path", nil, []string{"keys", "create", "--db", db,
			"--env", "prod", "--kind", "browser", "--origin", "https://a.example/app"}, "path"},
		{"origin with a query", nil, []string{"keys", "create", "--db", db,
			"--env", "prod", "--kind", "browser", "--origin", "https://a.example?x=1"}, "path"},
		{"origin with a fragment", nil, []string{"keys", "create", "--db", db,
			"--env", "prod", "--kind", "browser", "--origin", "https://a.example#x"}, "path"},
		{"origin with a wildcard", nil, []string{"keys", "create", "--db", db, "--env", "prod",
			"--kind", "browser", "--origin", "https://*.example.com"},
			`origins are exact: "https://*.example.com" has a wildcard; ` +
				"list each origin with its own --origin"},
		{"revoke without prefix", nil, []string{"keys", "revoke", "--db", db}, "prefix"},
		{"rate limit in env", map[string]string{"ROLLCALL_RATE_LIMIT": "abc"},
			[]string{"serve", "--db", db},
			`ROLLCALL_RATE_LIMIT (for --rate-limit) must be a number of requests per second, ` +
				`not "abc"`},
		{"rate limit flag", nil, []string{"serve", "--db", db, "--rate-limit", "abc"},
			`--rate-limit must be a number of requests per second, not "abc"`},
		{"whole number flag", nil, []string{"serve", "--db", db, "--max-depth", "1.5"},
			`--max-depth must be a whole number, not "1.5"`},
		{"byte size in env", map[string]string{"ROLLCALL_MAX_BODY": "1MB"},
			[]string{"serve", "--db", db},
			`ROLLCALL_MAX_BODY (for --max-body) must be a whole number of bytes, not "1MB"`},
		{"duration flag", nil, []string{"serve", "--db", db, "--request-timeout", "5"},
			`--request-timeout must be a duration such as 30s, 1m30s or 500ms, not "5"`},
		{"boolean flag", nil, []string{"serve", "--db", db, "--secure-cookies=maybe"},
			`--secure-cookies must be true or false, not "maybe"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.vars, tc.args...)
			if r.code != cli.ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", r.code, cli.ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tc.want)
			}
		})
	}

	t.Run("nothing was created by rejected commands", func(t *testing.T) {
		out := mustRun(t, "keys", "list", "--db", db).stdout
		if strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("keys list after usage errors:\n%s", out)
		}
	})
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-h"}, {"serve", "-h"}, {"keys", "create", "--help"}} {
		r := run(t, nil, args...)
		if r.code != cli.ExitOK || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("rollcall %v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
}
