// Package loadgen drives a rollcall server with a chosen mix of identify and
// read requests, in the spirit of pgbench and redis-benchmark, and reports
// throughput, latency percentiles and errors by code.
//
// It measures the server, not itself: request bodies are built from
// property objects encoded ahead of time, connections are kept alive, and
// latencies go into a fixed-size histogram rather than a growing list.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Mode chooses which requests Run sends.
type Mode string

// The modes of the load generator.
const (
	// ModeIdentify sends single user identifies: POST /identify.
	ModeIdentify Mode = "identify"
	// ModeBatch sends batches of BatchSize users: POST /identify/batch.
	ModeBatch Mode = "batch"
	// ModeGroup sends group identifies: POST /identify/group.
	ModeGroup Mode = "group"
	// ModeRead reads users assumed to exist: GET /users/{identifier}.
	ModeRead Mode = "read"
	// ModeMixed sends single identifies and, with the share ReadShare,
	// reads.
	ModeMixed Mode = "mixed"
)

// Modes lists every mode, for flag help.
func Modes() []Mode {
	return []Mode{ModeIdentify, ModeBatch, ModeGroup, ModeRead, ModeMixed}
}

// Defaults of Config fields left zero.
const (
	DefaultConcurrency = 64
	DefaultProperties  = 8
	DefaultBatchSize   = 100
	DefaultUsers       = 100000
	DefaultPrefix      = "user-"
	DefaultReadShare   = 0.2
	DefaultDuration    = 10 * time.Second
)

// Config describes one load run.
type Config struct {
	// URL is the server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Key is the API key sent in the x-api-key header.
	Key  string
	Mode Mode
	// Concurrency is how many requests may be in flight at once, each on
	// its own kept-alive connection.
	Concurrency int
	// Duration bounds the run in time and Requests in count; the run ends
	// at whichever comes first. When both are zero, Duration is
	// DefaultDuration.
	Duration time.Duration
	Requests int64
	// Rate, when above zero, paces requests at that many per second
	// whatever the server's speed (an open loop); latency then counts from
	// when each request was due, so a queue building up shows in it.
	Rate float64

	// Users is how many distinct identifiers requests draw from at random:
	// Prefix followed by 0 to Users-1. 0 means DefaultUsers.
	Users int64
	// Sequential names a new user in every item instead: the run's k-th
	// item names Prefix followed by Start+k, so Users/BatchSize batch
	// requests seed users 0 to Users-1 exactly.
	Sequential bool
	// Start is the first number of a Sequential run.
	Start int64
	// Prefix starts every identifier; DefaultPrefix when empty.
	Prefix string

	// Properties is how many properties each identify sets.
	Properties int
	// BatchSize is how many users each batch request carries.
	BatchSize int
	// ReadShare is the share of reads in ModeMixed, above 0 and at most
	// 1; 0 means DefaultReadShare.
	ReadShare float64
	// Seed makes the random draws repeatable; 0 picks one from the clock.
	Seed uint64

	// Client sends the requests; nil means one with a keep-alive
	// transport sized for Concurrency.
	Client *http.Client
}

// withDefaults fills the zero fields of c and checks the rest.
func (c Config) withDefaults() (Config, error) {
	c.URL = strings.TrimSuffix(c.URL, "/")
	if c.URL == "" {
		return c, errors.New("loadgen: a server URL is required")
	}
	if c.Mode == "" {
		c.Mode = ModeIdentify
	}
	if !validMode(c.Mode) {
		return c, fmt.Errorf("loadgen: unknown mode %q; use one of %v", c.Mode, Modes())
	}

	c.Concurrency = orDefault(c.Concurrency, DefaultConcurrency)
	c.Properties = orDefault(c.Properties, DefaultProperties)
	c.BatchSize = orDefault(c.BatchSize, DefaultBatchSize)
	c.Users = orDefault(c.Users, DefaultUsers)
	c.ReadShare = orDefault(c.ReadShare, DefaultReadShare)
	c.Prefix = orDefault(c.Prefix, DefaultPrefix)
	if c.Duration == 0 && c.Requests == 0 {
		c.Duration = DefaultDuration
	}
	if c.Seed == 0 {
		c.Seed = uint64(time.Now().UnixNano())
	}
	return c, c.check()
}

func (c Config) check() error {
	switch {
	case c.Concurrency < 0 || c.Properties < 0 || c.BatchSize < 0 || c.Users < 0:
		return errors.New("loadgen: counts must not be negative")
	case c.Duration < 0 || c.Requests < 0 || c.Rate < 0 || c.Start < 0:
		return errors.New("loadgen: duration, requests, rate and start must not be negative")
	case c.ReadShare < 0 || c.ReadShare > 1:
		return fmt.Errorf("loadgen: read share %v must be between 0 and 1", c.ReadShare)
	}
	return nil
}

func validMode(m Mode) bool {
	for _, v := range Modes() {
		if m == v {
			return true
		}
	}
	return false
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// itemsPerRequest is how many users one successful request of mode
// writes or reads.
func (c Config) itemsPerRequest() int {
	if c.Mode == ModeBatch {
		return c.BatchSize
	}
	return 1
}

// NewClient returns an HTTP client that keeps up to concurrency connections
// to one host alive between requests, so that a run measures requests
// rather than TCP handshakes.
func NewClient(concurrency int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = concurrency * 2
	t.MaxIdleConnsPerHost = concurrency * 2
	t.MaxConnsPerHost = 0
	t.DisableCompression = true
	return &http.Client{Transport: t, Timeout: time.Minute}
}

// Run sends the configured load to the server until the duration passes,
// the request count is reached or ctx is cancelled, and reports what it
// measured. Requests in flight when the run ends are let finish and
// counted. Errors the server answers are counted, not returned: Run fails
// only on a bad Config.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Result{}, err
	}
	client := cfg.Client
	if client == nil {
		client = NewClient(cfg.Concurrency)
		defer client.CloseIdleConnections()
	}

	gen := newGenerator(cfg)
	sched := newSchedule(ctx, cfg)
	start := time.Now()
	tallies := runWorkers(ctx, cfg, client, gen, sched)
	elapsed := time.Since(start)

	return summarize(cfg, tallies, elapsed), nil
}
