package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"runtime/debug"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
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
	// SecureCookies marks the web pages' session cookie Secure, for a
	// server reached over TLS.
	SecureCookies bool
	// RequestTimeout bounds each API request; shutdown waits a little
	// longer than this for requests in flight.
	RequestTimeout time.Duration
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
	sources, err := parseFlagSources(fs, args, env, "addr", "db", "max-body", "max-batch-body",
		"max-properties", "max-depth", "max-property-bytes", "rate-limit", "rate-burst",
		"log-format", "log-level", "secure-cookies", "request-timeout")
	if err != nil {
		return ServeConfig{}, err
	}
	if err := noArgs(fs); err != nil {
		return ServeConfig{}, err
	}

	if err := cfg.check(sources); err != nil {
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
	fs.IntVar(&cfg.Limits.MaxPropertyBytes, "max-property-bytes", cfg.Limits.MaxPropertyBytes,
		"largest total size of one user's or group's properties, in bytes "+
			"(env ROLLCALL_MAX_PROPERTY_BYTES)")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", 0,
		"requests per second per key, 0 for no limit (env ROLLCALL_RATE_LIMIT)")
	fs.IntVar(&cfg.RateBurst, "rate-burst", defaultRateBurst,
		"requests a key may make at once when rate limited (env ROLLCALL_RATE_BURST)")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "text or json (env ROLLCALL_LOG_FORMAT)")
	fs.StringVar(&cfg.LogLevel, "log-level", "info",
		"debug, info, warn or error (env ROLLCALL_LOG_LEVEL)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", false,
		"mark the web pages' cookie Secure, when clients reach the server over TLS "+
			"(env ROLLCALL_SECURE_COOKIES)")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", httpapi.DefaultRequestTimeout,
		"longest an API request may take (env ROLLCALL_REQUEST_TIMEOUT)")
	return fs
}

// check rejects settings the server cannot run with. Each error names the
// flag at fault and, when the value came from the environment, its
// variable.
func (c ServeConfig) check(src flagSources) error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return usagef("%s %q must be HOST:PORT, for example 127.0.0.1:8080",
			src.name("addr"), c.Addr)
	}
	if err := c.checkLimits(src); err != nil {
		return err
	}
	if math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) || c.RateLimit < 0 {
		return usagef("%s must be a number of requests per second, 0 or more, not %v",
			src.name("rate-limit"), c.RateLimit)
	}
	if c.RateBurst < 1 {
		return usagef("%s must be at least 1", src.name("rate-burst"))
	}
	if c.RequestTimeout <= 0 {
		return usagef("%s must be a positive duration, for example 30s",
			src.name("request-timeout"))
	}

	if _, err := newLogger(io.Discard, c.LogFormat, "info"); err != nil {
		return usagef("%s %q must be text or json", src.name("log-format"), c.LogFormat)
	}
	if _, err := newLogger(io.Discard, "text", c.LogLevel); err != nil {
		return usagef("%s %q must be debug, info, warn or error",
			src.name("log-level"), c.LogLevel)
	}
	return nil
}

// checkLimits rejects limits below 1.
func (c ServeConfig) checkLimits(src flagSources) error {
	l := c.Limits
	checks := []struct {
		flag, unit string
		value      int64
	}{
		{"max-body", " byte", l.MaxBodyBytes},
		{"max-batch-body", " byte", l.MaxBatchBodyBytes},
		{"max-properties", "", int64(l.MaxProperties)},
		{"max-depth", "", int64(l.MaxDepth)},
		{"max-property-bytes", " byte", int64(l.MaxPropertyBytes)},
	}
	for _, ch := range checks {
		if ch.value < 1 {
			return usagef("%s must be at least 1%s", src.name(ch.flag), ch.unit)
		}
	}
	return nil
}

func runServe(ctx context.Context, env Env, args []string) error {
	cfg, err := ParseServeConfig(args, env)
	if err != nil {
		return err
	}
	logs := newLogBuffer(env.Stderr)
	defer logs.Close()
	logger, err := newLogger(logs, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	logger = slog.New(flushingHandler{logger.Handler(), logs})
	tuneGC(env)

	stopPprof, err := startPprof(env.getenv("ROLLCALL_PPROF"), logger)
	if err != nil {
		return err
	}
	defer stopPprof()

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

// gcPercent is the garbage collector's target when GOGC is not set. A
// request allocates a few kilobytes that are garbage once it is answered,
// and the live heap is small (the data lives in the database), so Go's
// default of 100 collected many times a second under load; 400 gave 15-18%
// more identifies per second for a few more megabytes of memory (see
// docs/PERFORMANCE.md).
const gcPercent = 400

// tuneGC sets the collector's target unless the operator chose one with
// GOGC.
func tuneGC(env Env) {
	if env.getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
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
