package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/rollcall/rollcall"
)

// ServeConfig is what the serve command runs with.
type ServeConfig struct {
	// Addr is the HOST:PORT to listen on; port 0 picks a free port.
	Addr string
	// DB is a SQLite file path or a postgres:// URL.
	DB     string
	Limits rollcall.Limits
	// RateLimit is requests per second per key; 0 turns it off.
	RateLimit float64
	RateBurst int
	// LogFormat is text or json.
	LogFormat string
	// LogLevel is debug, info, warn or error.
	LogLevel string
}

// Defaults of the serve command.
const (
	DefaultAddr      = "127.0.0.1:8080"
	defaultRateBurst = 20
)

// ParseServeConfig reads the serve command's flags from args and, for the
// flags args leaves unset, from the ROLLCALL_* variables of env: flags win
// over the environment, which wins over the defaults.
func ParseServeConfig(args []string, env Env) (ServeConfig, error) {
	cfg := ServeConfig{Limits: rollcall.DefaultLimits()}
	fs := serveFlags(&cfg)
	err := parseFlags(fs, args, env, "addr", "db", "max-body", "max-batch-body",
		"max-properties", "max-depth", "rate-limit", "rate-burst", "log-format", "log-level")
	if err != nil {
		return ServeConfig{}, err
	}
	if err := noArgs(fs); err != nil {
		return ServeConfig{}, err
	}

	if err := cfg.check(); err != nil {
		return ServeConfig{}, err
	}
	return cfg, nil
}

func serveFlags(cfg *ServeConfig) *flag.FlagSet {
	fs := newFlagSet("serve", "[flags]")
	fs.StringVar(&cfg.Addr, "addr", DefaultAddr, "HOST:PORT to listen on (env ROLLCALL_ADDR)")
	fs.StringVar(&cfg.DB, "db", defaultDB,
		"SQLite file, or postgres:// URL for PostgreSQL (env ROLLCALL_DB)")
	fs.Int64Var(&cfg.Limits.MaxBodyBytes, "max-body", cfg.Limits.MaxBodyBytes,
		"largest body of a single identify, in bytes (env ROLLCALL_MAX_BODY)")
	fs.Int64Var(&cfg.Limits.MaxBatchBodyBytes, "max-batch-body", cfg.Limits.MaxBatchBodyBytes,
		"largest body of a batch or bulk identify, in bytes (env ROLLCALL_MAX_BATCH_BODY)")
	fs.IntVar(&cfg.Limits.MaxProperties, "max-properties", cfg.Limits.MaxProperties,
		"most properties stored per user or group (env ROLLCALL_MAX_PROPERTIES)")
	fs.IntVar(&cfg.Limits.MaxDepth, "max-depth", cfg.Limits.MaxDepth,
		"deepest nesting of arrays and objects in a value (env ROLLCALL_MAX_DEPTH)")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", 0,
		"requests per second per key, 0 for no limit (env ROLLCALL_RATE_LIMIT)")
	fs.IntVar(&cfg.RateBurst, "rate-burst", defaultRateBurst,
		"requests a key may make at once when rate limited (env ROLLCALL_RATE_BURST)")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "text or json (env ROLLCALL_LOG_FORMAT)")
	fs.StringVar(&cfg.LogLevel, "log-level", "info",
		"debug, info, warn or error (env ROLLCALL_LOG_LEVEL)")
	return fs
}

// check rejects settings the server cannot run with.
func (c ServeConfig) check() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return usagef("--addr %q must be HOST:PORT, for example 127.0.0.1:8080", c.Addr)
	}
	if c.Limits.MaxBodyBytes < 1 || c.Limits.MaxBatchBodyBytes < 1 {
		return usagef("--max-body and --max-batch-body must be at least 1 byte")
	}
	if c.Limits.MaxProperties < 1 || c.Limits.MaxDepth < 1 {
		return usagef("--max-properties and --max-depth must be at least 1")
	}
	if c.RateLimit < 0 || c.RateBurst < 1 {
		return usagef("--rate-limit must be 0 or more and --rate-burst at least 1")
	}

	if _, err := newLogger(io.Discard, c.LogFormat, c.LogLevel); err != nil {
		return err
	}
	return nil
}

func runServe(ctx context.Context, env Env, args []string) error {
	cfg, err := ParseServeConfig(args, env)
	if err != nil {
		return err
	}
	logger, err := newLogger(env.Stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}

	srv := NewServer(cfg, env.Stdout, logger)
	if err := srv.Open(ctx); err != nil {
		return errors.Join(err, srv.Close())
	}

	runErr := srv.Run(ctx)
	if err := srv.Close(); err != nil {
		return errors.Join(runErr, fmt.Errorf("close: %w", err))
	}
	return runErr
}

// newLogger returns the logger of the serve command, writing to w in the
// chosen format at the chosen level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q must be debug, info, warn or error", level)
	}

	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q must be text or json", format)
}
