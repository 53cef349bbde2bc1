package cli

import (
	"context"
	"encoding/json"
	"flag"
	"strconv"
	"strings"
	"time"

	"github.com/rollcall/rollcall/loadgen"
)

const benchArgs = "--key KEY [--url URL] [--mode identify|batch|group|read|mixed] [flags]"

// runBench drives a running server with the load generator and prints what
// it measured, for sizing a deployment.
func runBench(ctx context.Context, env Env, args []string) error {
	cfg := loadgen.Config{}
	fs, opts := benchFlags(&cfg)
	if err := parseFlags(fs, args, env, "url", "key"); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := opts.apply(&cfg); err != nil {
		return err
	}

	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return usagef("%v", strings.TrimPrefix(err.Error(), "loadgen: "))
	}
	if opts.json {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return res.WriteText(env.Stdout)
}

// benchOptions are the flags that do not map one to one onto
// loadgen.Config.
type benchOptions struct {
	mode  string
	fresh bool
	json  bool
}

func benchFlags(cfg *loadgen.Config) (*flag.FlagSet, *benchOptions) {
	o := &benchOptions{}
	fs := newFlagSet("bench", benchArgs)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "server base URL (env ROLLCALL_URL)")
	fs.StringVar(&cfg.Key, "key", "", "API key to send (env ROLLCALL_KEY)")
	fs.StringVar(&o.mode, "mode", string(loadgen.ModeIdentify),
		"identify, batch (POST /identify/batch), group, read (GET /users/ID) or mixed")
	fs.IntVar(&cfg.Concurrency, "concurrency", loadgen.DefaultConcurrency,
		"requests in flight at once, each on its own kept-alive connection")
	fs.DurationVar(&cfg.Duration, "duration", 0,
		"how long to run (default 10s, or unbounded when --requests is set)")
	fs.Int64Var(&cfg.Requests, "requests", 0, "how many requests to send (default no limit)")
	fs.Float64Var(&cfg.Rate, "rate", 0,
		"requests per second, paced whatever the server's speed (default as fast as it answers)")
	fs.Int64Var(&cfg.Users, "users", loadgen.DefaultUsers,
		"how many distinct identifiers requests draw from at random")
	fs.BoolVar(&cfg.Sequential, "sequential", false,
		"name users PREFIX0, PREFIX1, ... in order, a new one per item (to seed --users users)")
	fs.BoolVar(&o.fresh, "fresh", false, "like --sequential, with a prefix unique to this run")
	fs.Int64Var(&cfg.Start, "start", 0, "first number of a --sequential run")
	fs.StringVar(&cfg.Prefix, "prefix", loadgen.DefaultPrefix, "start of every identifier")
	fs.IntVar(&cfg.Properties, "properties", loadgen.DefaultProperties, "properties per identify")
	fs.IntVar(&cfg.BatchSize, "batch-size", loadgen.DefaultBatchSize, "users per batch request")
	fs.Float64Var(&cfg.ReadShare, "read-share", loadgen.DefaultReadShare,
		"share of reads in mixed mode, from 0 to 1")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed of the random draws (default from the clock)")
	fs.BoolVar(&o.json, "json", false, "print the result as JSON")
	return fs, o
}

func (o *benchOptions) apply(cfg *loadgen.Config) error {
	if cfg.Key == "" {
		return usagef("--key is required (or set ROLLCALL_KEY); " +
			"create one with 'rollcall keys create'")
	}
	cfg.Mode = loadgen.Mode(o.mode)
	if o.fresh {
		cfg.Sequential = true
		cfg.Prefix += "run" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	}
	return nil
}
