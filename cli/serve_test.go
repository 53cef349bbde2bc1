package cli_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/cli"
)

func TestServeBootstrap(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	srv, out := startServer(t, db)
	server, browser := bootstrapKeys(t, out)

	t.Run("prints a curl example with the bound address", func(t *testing.T) {
		if !strings.Contains(out, "curl") || !strings.Contains(out, srv.URL()+"/identify") {
			t.Errorf("first-start output has no curl example for %s:\n%s", srv.URL(), out)
		}
	})

	t.Run("server key writes and reads", func(t *testing.T) {
		body := `{"identifier": "boot-u1", "properties": {"plan": "pro"}}`
		wantStatus(t, http.StatusOK, "POST", srv.URL()+"/identify", server, body)

		got := wantStatus(t, http.StatusOK, "GET", srv.URL()+"/users/boot-u1", server, "")
		var user struct{ Properties map[string]any }
		if err := json.Unmarshal([]byte(got), &user); err != nil {
			t.Fatalf("decode user %s: %v", got, err)
		}
		if user.Properties["plan"] != "pro" {
			t.Errorf("properties = %v, want plan pro", user.Properties)
		}
	})

	t.Run("browser key writes but cannot read", func(t *testing.T) {
		body := `{"identifier": "boot-u2", "properties": {"seen": true}}`
		wantStatus(t, http.StatusOK, "POST", srv.URL()+"/identify", browser, body)
		wantStatus(t, http.StatusForbidden, "GET", srv.URL()+"/users/boot-u2", browser, "")
	})

	t.Run("both keys belong to environment default", func(t *testing.T) {
		keys, err := srv.Store().Keys(t.Context())
		if err != nil {
			t.Fatalf("list keys: %v", err)
		}
		if len(keys) != 2 {
			t.Fatalf("store holds %d keys, want 2", len(keys))
		}
		for _, k := range keys {
			if k.Environment != "default" {
				t.Errorf("key %s is in environment %q, want default", k.Prefix, k.Environment)
			}
		}
	})
}

func TestServeSecondStartPrintsNoKeys(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	mustRun(t, "keys", "create", "--db", db, "--env", "production", "--kind", "server")

	_, out := startServer(t, db)
	if strings.Contains(out, "KEY=") {
		t.Errorf("serve on a store with keys printed keys:\n%s", out)
	}
}

func TestServeConfigPrecedence(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"ROLLCALL_ADDR":       "127.0.0.1:9999",
		"ROLLCALL_DB":         "from-env.db",
		"ROLLCALL_MAX_BODY":   "2048",
		"ROLLCALL_RATE_LIMIT": "5",
		"ROLLCALL_LOG_FORMAT": "json",
	}
	getenv := func(name string) string { return vars[name] }

	t.Run("defaults", func(t *testing.T) {
		cfg := parseServe(t, cli.Env{})
		want := cli.ServeConfig{Addr: cli.DefaultAddr, DB: "rollcall.db",
			Limits: rollcall.DefaultLimits(), RateBurst: cfg.RateBurst,
			LogFormat: "text", LogLevel: "info", RequestTimeout: 30 * time.Second}
		if cfg != want {
			t.Errorf("config = %+v, want %+v", cfg, want)
		}
	})

	t.Run("environment over defaults", func(t *testing.T) {
		cfg := parseServe(t, cli.Env{Getenv: getenv})
		if cfg.Addr != "127.0.0.1:9999" || cfg.DB != "from-env.db" ||
			cfg.Limits.MaxBodyBytes != 2048 || cfg.RateLimit != 5 || cfg.LogFormat != "json" {
			t.Errorf("config = %+v, want the environment's values", cfg)
		}
	})

	t.Run("flags over environment", func(t *testing.T) {
		cfg := parseServe(t, cli.Env{Getenv: getenv}, "--addr", "127.0.0.1:7777",
			"--db", "from-flag.db", "--max-body", "4096", "--log-format", "text")
		if cfg.Addr != "127.0.0.1:7777" || cfg.DB != "from-flag.db" ||
			cfg.Limits.MaxBodyBytes != 4096 || cfg.LogFormat != "text" {
			t.Errorf("config = %+v, want the flags' values", cfg)
		}
		if cfg.RateLimit != 5 {
			t.Errorf("rate limit = %v, want 5 from the environment", cfg.RateLimit)
		}
	})
}

func parseServe(t testing.TB, env cli.Env, args ...string) cli.ServeConfig {
	t.Helper()

	cfg, err := cli.ParseServeConfig(args, env)
	if err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return cfg
}

func TestServeFlagsBackKeysCommandsToo(t *testing.T) {
	t.Parallel()
	envDB, flagDB := tempDB(t), tempDB(t)
	vars := map[string]string{"ROLLCALL_DB": envDB}

	r := run(t, vars, "keys", "create", "--env", "staging", "--kind", "server")
	if r.code != cli.ExitOK {
		t.Fatalf("keys create with ROLLCALL_DB: exit %d: %s", r.code, r.stderr)
	}
	prefix := lastLine(r.stdout)[:12]

	t.Run("ROLLCALL_DB names the store", func(t *testing.T) {
		if out := mustRun(t, "keys", "list", "--db", envDB).stdout; !strings.Contains(out, prefix) {
			t.Errorf("key %s is not in %s:\n%s", prefix, envDB, out)
		}
	})

	t.Run("--db wins over ROLLCALL_DB", func(t *testing.T) {
		r := run(t, vars, "keys", "list", "--db", flagDB)
		if r.code != cli.ExitOK || strings.Contains(r.stdout, prefix) {
			t.Errorf("keys list --db %s: exit %d, output:\n%s", flagDB, r.code, r.stdout)
		}
	})
}

func TestServeRoutes(t *testing.T) {
	t.Parallel()
	srv, _ := startServer(t, tempDB(t))

	t.Run("web pages under /ui/", func(t *testing.T) {
		resp, err := http.Get(srv.URL() + "/ui/signin")
		if err != nil {
			t.Fatalf("GET /ui/signin: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET /ui/signin: %d %s, want an HTML page",
				resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})

	t.Run("everything else to the API", func(t *testing.T) {
		got := wantStatus(t, http.StatusNotFound, "GET", srv.URL()+"/uix", "", "")
		if !strings.Contains(got, `"not_found_error"`) {
			t.Errorf("GET /uix answered %s, want the API's JSON 404", got)
		}
		wantStatus(t, http.StatusOK, "GET", srv.URL()+"/healthz", "", "")
	})
}
