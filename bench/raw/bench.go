package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/loadgen"
)

// propertyPool is how many property sets are decoded ahead of time, as the
// load generator encodes as many.
const propertyPool = 256

// result is what one measurement counted.
type result struct {
	Mode          string        `json:"mode"`
	Concurrency   int           `json:"concurrency"`
	Ops           int64         `json:"ops"`
	Rows          int64         `json:"rows"`
	Errors        int64         `json:"errors"`
	FirstError    string        `json:"firstError,omitempty"`
	Elapsed       time.Duration `json:"elapsedNs"`
	OpsPerSecond  float64       `json:"opsPerSecond"`
	RowsPerSecond float64       `json:"rowsPerSecond"`
}

func (r result) print(cfg config) {
	fmt.Printf("raw %s: %d goroutines, %d properties, %.2fs\n",
		r.Mode, r.Concurrency, cfg.properties, r.Elapsed.Seconds())
	fmt.Printf("  %d transactions, %d rows, %d errors\n", r.Ops, r.Rows, r.Errors)
	fmt.Printf("  %.1f transactions/s, %.1f rows/s\n", r.OpsPerSecond, r.RowsPerSecond)
	if r.FirstError != "" {
		fmt.Printf("  first error: %s\n", r.FirstError)
	}
}

// op is one store call of a measurement: the seq-th of the run, drawing
// from r. It returns how many rows it wrote or read.
type op func(ctx context.Context, r *rand.Rand, seq int64) (int, error)

// bench runs the operations of one mode against one store.
type bench struct {
	cfg   config
	st    rollcall.Store
	props []rollcall.Properties
	// fresh starts the identifiers of new users, unique to this run.
	fresh string
}

func newBench(cfg config, st rollcall.Store) (*bench, error) {
	b := &bench{cfg: cfg, st: st, fresh: "raw" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for range propertyPool {
		v, err := rollcall.DecodeJSON(loadgen.PropertyObject(r, cfg.properties))
		if err != nil {
			return nil, fmt.Errorf("decode properties: %w", err)
		}
		props, err := rollcall.PropertiesFromJSON(v, rollcall.DefaultLimits().MaxDepth)
		if err != nil {
			return nil, fmt.Errorf("decode properties: %w", err)
		}
		b.props = append(b.props, props)
	}
	return b, nil
}

func (b *bench) item(r *rand.Rand, id string) rollcall.Identify {
	return rollcall.Identify{
		Kind:       rollcall.KindUser,
		Identifier: id,
		Properties: b.props[r.IntN(len(b.props))],
	}
}

// seed stores users 0 to users-1 under the load generator's prefix, so
// that raw and HTTP runs update and read the same identifiers.
func (b *bench) seed(ctx context.Context) result {
	size := int64(b.cfg.batchSize)
	batches := (b.cfg.users + size - 1) / size
	// A few writers fill the table as fast as many would, with less
	// contention.
	workers := min(b.cfg.concurrency, 4)
	return b.loop(ctx, "seed", workers, 0, batches, b.batchOp(loadgen.DefaultPrefix))
}

// measure runs the configured mode for the configured duration.
func (b *bench) measure(ctx context.Context) result {
	var o op
	switch b.cfg.mode {
	case "identify":
		o = b.identifyOp
	case "batch":
		o = b.batchOp(b.fresh)
	case "update":
		o = b.updateOp
	default:
		o = b.readOp
	}
	return b.loop(ctx, b.cfg.mode, b.cfg.concurrency, b.cfg.duration, 0, o)
}

func (b *bench) identifyOp(ctx context.Context, r *rand.Rand, seq int64) (int, error) {
	items := []rollcall.Identify{b.item(r, loadgen.Identifier(b.fresh, seq))}
	return 1, b.st.Identify(ctx, b.cfg.env, items)
}

func (b *bench) updateOp(ctx context.Context, r *rand.Rand, seq int64) (int, error) {
	id := loadgen.Identifier(loadgen.DefaultPrefix, r.Int64N(b.cfg.users))
	return 1, b.st.Identify(ctx, b.cfg.env, []rollcall.Identify{b.item(r, id)})
}

func (b *bench) readOp(ctx context.Context, r *rand.Rand, seq int64) (int, error) {
	id := loadgen.Identifier(loadgen.DefaultPrefix, r.Int64N(b.cfg.users))
	_, err := b.st.User(ctx, b.cfg.env, id)
	return 1, err
}

// batchOp writes batch seq: users seq*size to seq*size+size-1 under prefix.
func (b *bench) batchOp(prefix string) op {
	size := int64(b.cfg.batchSize)
	return func(ctx context.Context, r *rand.Rand, seq int64) (int, error) {
		items := make([]rollcall.Identify, 0, size)
		for i := range size {
			items = append(items, b.item(r, loadgen.Identifier(prefix, seq*size+i)))
		}
		return len(items), b.st.Identify(ctx, b.cfg.env, items)
	}
}

// loop calls o from workers goroutines until d passes (when d > 0) or n
// operations were made (when n > 0).
func (b *bench) loop(ctx context.Context, mode string, workers int, d time.Duration,
	n int64, o op) result {
	var (
		next   atomic.Int64
		mu     sync.Mutex
		wg     sync.WaitGroup
		total  = result{Mode: mode, Concurrency: workers}
		start  = time.Now()
		expiry = start.Add(d)
	)
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(start.UnixNano()), uint64(w)))
			var mine result
			for ctx.Err() == nil && (d <= 0 || time.Now().Before(expiry)) {
				seq := next.Add(1) - 1
				if n > 0 && seq >= n {
					break
				}
				mine.add(o(ctx, r, seq))
			}
			mu.Lock()
			total.merge(mine)
			mu.Unlock()
		})
	}
	wg.Wait()

	total.Elapsed = time.Since(start)
	total.OpsPerSecond = float64(total.Ops) / total.Elapsed.Seconds()
	total.RowsPerSecond = float64(total.Rows) / total.Elapsed.Seconds()
	return total
}

func (r *result) add(rows int, err error) {
	r.Ops++
	if err != nil {
		r.Errors++
		if r.FirstError == "" {
			r.FirstError = err.Error()
		}
		return
	}
	r.Rows += int64(rows)
}

func (r *result) merge(o result) {
	r.Ops += o.Ops
	r.Rows += o.Rows
	r.Errors += o.Errors
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
}
