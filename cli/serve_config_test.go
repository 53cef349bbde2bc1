package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/cli"
)

func TestServeConfigErrorsNameTheirSource(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"NaN rate", nil, []string{"--rate-limit", "NaN"},
			"--rate-limit must be a number of requests per second, 0 or more, not NaN"},
		{"Inf rate", nil, []string{"--rate-limit", "Inf"}, "--rate-limit must be a number"},
		{"-Inf rate", nil, []string{"--rate-limit=-Inf"}, "--rate-limit must be a number"},
		{"NaN rate from the environment", map[string]string{"ROLLCALL_RATE_LIMIT": "nan"}, nil,
			"--rate-limit (from ROLLCALL_RATE_LIMIT) must be a number"},
		{"depth from the environment", map[string]string{"ROLLCALL_MAX_DEPTH": "0"}, nil,
			"--max-depth (from ROLLCALL_MAX_DEPTH) must be at least 1"},
		{"depth from a flag", map[string]string{"ROLLCALL_MAX_DEPTH": "5"},
			[]string{"--max-depth", "0"}, "--max-depth must be at least 1"},
		{"batch body", nil, []string{"--max-batch-body", "0"}, "--max-batch-body must be at least 1 byte"},
		{"properties", nil, []string{"--max-properties", "-1"}, "--max-properties must be at least 1"},
		{"property bytes", map[string]string{"ROLLCALL_MAX_PROPERTY_BYTES": "0"}, nil,
			"--max-property-bytes (from ROLLCALL_MAX_PROPERTY_BYTES) must be at least 1 byte"},
		{"burst", nil, []string{"--rate-burst", "0"}, "--rate-burst must be at least 1"},
		{"request timeout", nil, []string{"--request-timeout", "0s"},
			"--request-timeout must be a positive duration"},
		{"log level from the environment", map[string]string{"ROLLCALL_LOG_LEVEL": "loud"}, nil,
			`--log-level (from ROLLCALL_LOG_LEVEL) "loud" must be debug, info, warn or error`},
		{"addr", nil, []string{"--addr", "nope"}, `--addr "nope" must be HOST:PORT`},
		{"secure cookies not a boolean", map[string]string{"ROLLCALL_SECURE_COOKIES": "sure"}, nil,
			"ROLLCALL_SECURE_COOKIES"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, c.vars, append([]string{"serve"}, c.args...)...)
			if r.code != cli.ExitUsage {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, cli.ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, c.want)
			}
		})
	}
}

func TestServeNewSettings(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"ROLLCALL_MAX_PROPERTY_BYTES": "1024",
		"ROLLCALL_SECURE_COOKIES":     "true",
		"ROLLCALL_REQUEST_TIMEOUT":    "5s",
	}
	getenv := func(name string) string { return vars[name] }

	t.Run("from the environment", func(t *testing.T) {
		cfg := parseServe(t, cli.Env{Getenv: getenv})
		if cfg.Limits.MaxPropertyBytes != 1024 || !cfg.SecureCookies ||
			cfg.RequestTimeout != 5*time.Second {
			t.Errorf("config = %+v, want the environment's values", cfg)
		}
	})

	t.Run("from flags", func(t *testing.T) {
		cfg := parseServe(t, cli.Env{Getenv: getenv}, "--max-property-bytes", "2048",
			"--secure-cookies=false", "--request-timeout", "1m")
		if cfg.Limits.MaxPropertyBytes != 2048 || cfg.SecureCookies ||
			cfg.RequestTimeout != time.Minute {
			t.Errorf("config = %+v, want the flags' values", cfg)
		}
	})
}
