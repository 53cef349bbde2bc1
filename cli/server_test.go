package cli_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/cli"
)

func TestSecondServerOnOneSQLiteFile(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	srv, out := startServer(t, db)
	server, _ := bootstrapKeys(t, out)

	t.Run("a second server refuses to start", func(t *testing.T) {
		second := newServer(t, db)
		err := second.Open(context.Background())
		if cerr := second.Close(); cerr != nil {
			t.Errorf("close the second server: %v", cerr)
		}
		want := "another rollcall serve is already using " + db +
			"; run one server per SQLite file, or use PostgreSQL for several"
		if err == nil || err.Error() != want {
			t.Fatalf("second Open = %v, want %q", err, want)
		}
	})

	t.Run("the serve command exits 1", func(t *testing.T) {
		r := run(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", db)
		if r.code != cli.ExitFailure || !strings.Contains(r.stderr, "already using") {
			t.Errorf("exit %d, stderr %q; want 1 and the lock's message", r.code, r.stderr)
		}
	})

	t.Run("keys commands work beside the server", func(t *testing.T) {
		r := mustRun(t, "keys", "create", "--db", db, "--env", "beside", "--kind", "server")
		prefix := lastLine(r.stdout)[:12]
		if out := mustRun(t, "keys", "list", "--db", db).stdout; !strings.Contains(out, prefix) {
			t.Errorf("keys list does not show %s:\n%s", prefix, out)
		}
	})

	t.Run("the first server still answers", func(t *testing.T) {
		wantStatus(t, http.StatusOK, "GET", srv.URL()+"/users", server, "")
	})
}

func TestSecondServerThroughAnotherNameOfTheFile(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	startServer(t, db)

	links := []struct {
		name string
		link func(oldname, newname string) error
	}{
		{"a symlink", os.Symlink},
		{"a hard link", os.Link},
	}
	for _, l := range links {
		t.Run(l.name, func(t *testing.T) {
			other := filepath.Join(t.TempDir(), "other.db")
			if err := l.link(db, other); err != nil {
				t.Fatalf("link: %v", err)
			}
			second := newServer(t, other)
			err := second.Open(context.Background())
			if cerr := second.Close(); cerr != nil {
				t.Errorf("close the second server: %v", cerr)
			}
			if err == nil || !strings.Contains(err.Error(), "another rollcall serve is already using") {
				t.Fatalf("second Open through %s = %v, want the lock's refusal", l.name, err)
			}
		})
	}

	t.Run("no lock file is left beside the database", func(t *testing.T) {
		if _, err := os.Stat(db + ".lock"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stat %s.lock = %v, want it absent", db, err)
		}
	})
}

func TestServerLockIsReleasedOnClose(t *testing.T) {
	t.Parallel()
	db := tempDB(t)

	first := newServer(t, db)
	if err := first.Open(context.Background()); err != nil {
		t.Fatalf("open: %v", errors.Join(err, first.Close()))
	}
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	second := newServer(t, db)
	err := second.Open(context.Background())
	if err := errors.Join(err, second.Close()); err != nil {
		t.Errorf("a server after a closed one: %v", err)
	}
}

func TestMetricsCarryRuntimeCollectors(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, tempDB(t))

	got := wantStatus(t, http.StatusOK, "GET", srv.URL()+"/metrics", "", "")
	for _, want := range []string{"go_goroutines", "go_memstats_alloc_bytes",
		"process_cpu_seconds_total", "rollcall_"} {
		if !strings.Contains(got, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestSecureCookiesReachTheWebPages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		flags  []string
		secure bool
	}{
		{"off by default", nil, false},
		{"on with --secure-cookies", []string{"--secure-cookies"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--addr", "127.0.0.1:0", "--db", tempDB(t)}, c.flags...)
			srv, _ := startServerArgs(t, args...)

			res, err := http.Get(srv.URL() + "/ui/signin")
			if err != nil {
				t.Fatalf("GET /ui/signin: %v", err)
			}
			res.Body.Close()
			cookie := res.Header.Get("Set-Cookie")
			if cookie == "" {
				t.Fatalf("the sign-in page set no cookie: %d", res.StatusCode)
			}
			if got := strings.Contains(cookie, "; Secure"); got != c.secure {
				t.Errorf("Set-Cookie = %q, want Secure %v", cookie, c.secure)
			}
		})
	}
}

// newServer returns a server on port 0 over the SQLite file db, not opened.
func newServer(t testing.TB, db string) *cli.Server {
	t.Helper()
	cfg, err := cli.ParseServeConfig([]string{"--addr", "127.0.0.1:0", "--db", db}, cli.Env{})
	if err != nil {
		t.Fatalf("parse serve config: %v", err)
	}
	return cli.NewServer(cfg, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
}
