// Command raw is the store ceiling of the rollcall benchmarks: it does the
// upserts and reads of the load generator directly through a store package,
// with no HTTP in between, and reports rows per second. What rollcall loses
// against it is the cost of HTTP, decoding and middleware.
//
// Usage:
//
//	raw --db FILE|postgres://... --mode identify|batch|update|read [flags]
//	raw --db postgres://... --mode rowupsert|multirow [flags]
//
// The modes rowupsert and multirow bypass the store: they are hand-written
// PostgreSQL upserts, one row per statement or one batch per statement,
// the baselines rollcall's PostgreSQL figures are held against.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/postgres"
	"github.com/rollcall/rollcall/sqlite"
)

// config is what one run measures.
type config struct {
	db          string
	mode        string
	concurrency int
	duration    time.Duration
	users       int64
	seed        bool
	properties  int
	batchSize   int
	env         string
	json        bool
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "raw:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "raw:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("raw", flag.ContinueOnError)
	fs.StringVar(&c.db, "db", "", "SQLite file or postgres:// URL (required)")
	fs.StringVar(&c.mode, "mode", "identify",
		"identify (a new user per transaction), batch (new users, batch-size per transaction), "+
			"update (random existing users, one per transaction), read, or for PostgreSQL "+
			"rowupsert (a hand-written one-row upsert per statement, no store) or multirow "+
			"(a hand-written batch-size-row upsert per statement)")
	fs.IntVar(&c.concurrency, "concurrency", 64, "goroutines calling the store at once")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to measure")
	fs.Int64Var(&c.users, "users", 100000, "existing users that update and read draw from")
	fs.BoolVar(&c.seed, "seed", true, "for update and read, first store the --users users")
	fs.IntVar(&c.properties, "properties", 8, "properties per identify")
	fs.IntVar(&c.batchSize, "batch-size", 100, "users per transaction in batch mode")
	fs.StringVar(&c.env, "env", "bench", "environment the rows go to")
	fs.BoolVar(&c.json, "json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return c, err
	}

	switch {
	case c.db == "":
		return c, fmt.Errorf("--db is required")
	case !validMode(c.mode):
		return c, fmt.Errorf("unknown mode %q; use identify, batch, update, read, "+
			"rowupsert or multirow", c.mode)
	case (c.mode == "rowupsert" || c.mode == "multirow") && !isPostgres(c.db):
		return c, fmt.Errorf("mode %s needs a postgres:// URL", c.mode)
	case c.concurrency < 1 || c.users < 1 || c.batchSize < 1 || c.properties < 0:
		return c, fmt.Errorf("counts must be positive")
	}
	return c, nil
}

func validMode(m string) bool {
	switch m {
	case "identify", "batch", "update", "read", "rowupsert", "multirow":
		return true
	}
	return false
}

func run(ctx context.Context, cfg config) error {
	st, err := openStore(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer st.Close()

	b, err := newBench(cfg, st)
	if err != nil {
		return err
	}
	if cfg.seed && (cfg.mode == "update" || cfg.mode == "read") {
		seeded := b.seed(ctx)
		if seeded.Errors > 0 {
			return fmt.Errorf("seed users: %s", seeded.FirstError)
		}
		fmt.Fprintf(os.Stderr, "raw: seeded %d users in %.1fs\n",
			seeded.Rows, seeded.Elapsed.Seconds())
	}

	res, err := measure(ctx, b)
	if err != nil {
		return err
	}
	if cfg.json {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	res.print(cfg)
	return nil
}

// measure runs the store's mode, or a hand-written PostgreSQL baseline.
func measure(ctx context.Context, b *bench) (result, error) {
	if b.cfg.mode != "rowupsert" && b.cfg.mode != "multirow" {
		return b.measure(ctx), nil
	}
	p, err := newPGRaw(ctx, b, b.cfg.db)
	if err != nil {
		return result{}, err
	}
	defer p.pool.Close()

	o := p.rowUpsert
	if b.cfg.mode == "multirow" {
		o = p.multiRow
	}
	return b.loop(ctx, b.cfg.mode, b.cfg.concurrency, b.cfg.duration, 0, o), nil
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openStore opens the store that db names, as rollcall serve does.
func openStore(ctx context.Context, db string) (rollcall.Store, error) {
	if isPostgres(db) {
		st, err := postgres.Open(ctx, db, rollcall.DefaultLimits())
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return st, nil
	}
	st, err := sqlite.Open(db, rollcall.DefaultLimits())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	return st, nil
}
