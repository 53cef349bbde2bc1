package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/rollcall/rollcall"
)

// ImportConfig says where an import sends its rows and what it records.
type ImportConfig struct {
	Sink Sink
	// BatchSize is the most rows a batch carries; the default and maximum
	// is rollcall.MaxBatchItems.
	BatchSize int
	// Concurrency bounds the batches in flight; the default is 4. Above 1,
	// two rows for the same identifier in different batches may be applied
	// in either order.
	Concurrency int
	// Rejects receives one JSON line per row that could not be imported;
	// nil discards them (they are still counted).
	Rejects io.Writer
	// Checkpoint, when set, is the file that records the acknowledged
	// prefix of rows; see SaveCheckpoint.
	Checkpoint string
	// Resume skips the rows that Checkpoint records as acknowledged.
	Resume bool
	// Progress, when set, hears of every acknowledged batch.
	Progress func(Summary)
}

// Summary counts an import's rows.
type Summary struct {
	// Rows counts the rows read, skipped ones included.
	Rows int
	// Imported counts rows the sink acknowledged.
	Imported int
	// Rejected counts rows written to the rejects file.
	Rejected int
	// Skipped counts rows skipped by a resume.
	Skipped int
	// Acknowledged is the last row such that every row up to it has been
	// imported or rejected: what the checkpoint records.
	Acknowledged int
	// AcknowledgedLine is where row Acknowledged starts in the file.
	AcknowledgedLine int
}

// Reject is one line of the rejects file.
type Reject struct {
	// Line is where the row starts (CSV, JSON Lines) or the element's
	// position (JSON array).
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Row    string `json:"row"`
}

// batch is a run of consecutive rows: [first, last] in Seq, of which rows
// are to be sent (the others were rejected on reading).
type batch struct {
	first, last int
	lastLine    int
	rows        []Row
}

// importer is one running import.
type importer struct {
	cfg    ImportConfig
	cancel context.CancelCauseFunc
	sem    chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	sum     Summary
	pending map[int]*batch // finished batches by their first row
	rejects *json.Encoder
}

// Import reads every row of r and sends it to cfg.Sink in batches. Rows
// that cannot be imported go to cfg.Rejects and the import goes on; an
// error is returned only when the import cannot go on (the file cannot be
// read, the sink fails as a whole, ctx ends). The summary is right either
// way, and the checkpoint records what was acknowledged.
func Import(ctx context.Context, r Reader, cfg ImportConfig) (Summary, error) {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	im := &importer{cfg: cfg, cancel: cancel, sem: make(chan struct{}, cfg.Concurrency),
		pending: map[int]*batch{}, rejects: json.NewEncoder(io.Discard)}
	if cfg.Rejects != nil {
		im.rejects = json.NewEncoder(cfg.Rejects)
		im.rejects.SetEscapeHTML(false)
	}
	if err := im.resume(); err != nil {
		return Summary{}, err
	}

	readErr := im.read(ctx, r)
	im.wg.Wait()
	return im.finish(ctx, readErr)
}

func (c ImportConfig) withDefaults() ImportConfig {
	if c.BatchSize <= 0 || c.BatchSize > rollcall.MaxBatchItems {
		c.BatchSize = rollcall.MaxBatchItems
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	return c
}

// resume loads the checkpoint when asked to.
func (im *importer) resume() error {
	if !im.cfg.Resume || im.cfg.Checkpoint == "" {
		return nil
	}
	c, err := LoadCheckpoint(im.cfg.Checkpoint)
	if err != nil {
		return err
	}
	im.sum.Acknowledged, im.sum.AcknowledgedLine = c.Acknowledged, c.Line
	return nil
}

// read turns rows into batches and hands them to send goroutines.
func (im *importer) read(ctx context.Context, r Reader) error {
	b := &batch{first: im.sum.Acknowledged + 1}
	for ctx.Err() == nil {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if !im.take(b, row) {
			continue
		}
		if len(b.rows) == im.cfg.BatchSize {
			if err := im.dispatch(ctx, b); err != nil {
				return err
			}
			b = &batch{first: row.Seq + 1}
		}
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if b.last >= b.first {
		return im.dispatch(ctx, b)
	}
	return nil
}

// take adds row to b, or rejects it at once; it reports whether the row
// counts in b (skipped rows do not).
func (im *importer) take(b *batch, row Row) bool {
	im.mu.Lock()
	im.sum.Rows++
	if row.Seq <= im.sum.Acknowledged {
		im.sum.Skipped++
		im.mu.Unlock()
		return false
	}
	im.mu.Unlock()

	b.last, b.lastLine = row.Seq, row.Line
	if row.Err != nil {
		im.reject(row)
		return true
	}
	b.rows = append(b.rows, row)
	return true
}

// dispatch waits for a free slot and sends b in the background.
func (im *importer) dispatch(ctx context.Context, b *batch) error {
	select {
	case im.sem <- struct{}{}:
	case <-ctx.Done():
		return context.Cause(ctx)
	}

	im.wg.Add(1)
	go func() {
		defer im.wg.Done()
		defer func() { <-im.sem }()
		if err := im.send(ctx, b.rows); err != nil {
			im.cancel(err)
			return
		}
		im.acknowledge(b)
	}()
	return nil
}

// send writes rows, rejecting any one the sink names and sending the rest
// again, until the sink accepts them all or fails as a whole.
func (im *importer) send(ctx context.Context, rows []Row) error {
	rows = slices.Clone(rows)
	for len(rows) > 0 {
		err := im.cfg.Sink.Identify(ctx, items(rows))
		if err == nil {
			im.mu.Lock()
			im.sum.Imported += len(rows)
			im.mu.Unlock()
			return nil
		}

		var ie *rollcall.ItemError
		if !errors.As(err, &ie) || ie.Index < 0 || ie.Index >= len(rows) ||
			rollcall.ErrorCode(err) != rollcall.CodeInvalid {
			return fmt.Errorf("import rows %d to %d: %w", rows[0].Seq, rows[len(rows)-1].Seq, err)
		}
		bad := rows[ie.Index]
		bad.Err = ie.Err
		im.reject(bad)
		rows = slices.Delete(rows, ie.Index, ie.Index+1)
	}
	return nil
}

func items(rows []Row) []rollcall.Identify {
	out := make([]rollcall.Identify, len(rows))
	for i, r := range rows {
		out[i] = r.Item
	}
	return out
}

// reject writes one row to the rejects file.
func (im *importer) reject(row Row) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.sum.Rejected++
	reason := rollcall.ErrorDetails(row.Err, false)
	// A write error here resurfaces when the caller closes the file.
	_ = im.rejects.Encode(Reject{Line: row.Line, Reason: reason, Row: row.Raw})
}

// acknowledge records a finished batch and moves the checkpoint over the
// contiguous run of finished batches that follows it.
func (im *importer) acknowledge(b *batch) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.pending[b.first] = b

	moved := false
	for {
		done, ok := im.pending[im.sum.Acknowledged+1]
		if !ok {
			break
		}
		delete(im.pending, im.sum.Acknowledged+1)
		im.sum.Acknowledged, im.sum.AcknowledgedLine = done.last, done.lastLine
		moved = true
	}
	if moved && im.cfg.Checkpoint != "" {
		c := Checkpoint{Acknowledged: im.sum.Acknowledged, Line: im.sum.AcknowledgedLine}
		if err := SaveCheckpoint(im.cfg.Checkpoint, c); err != nil {
			im.cancel(err)
		}
	}
	if im.cfg.Progress != nil {
		im.cfg.Progress(im.sum)
	}
}

// finish returns the summary and the first error that stopped the import.
func (im *importer) finish(ctx context.Context, readErr error) (Summary, error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	err := readErr
	if err == nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	if err == nil {
		return im.sum, nil
	}
	// A stop from outside the file (an interrupt, a failing sink) can be
	// carried on from the checkpoint; a file that cannot be read cannot.
	if ctx.Err() != nil && im.cfg.Checkpoint != "" {
		return im.sum, fmt.Errorf("import stopped after row %d: %w; "+
			"run the same command again with --resume to carry on", im.sum.Acknowledged, err)
	}
	return im.sum, fmt.Errorf("import stopped after row %d: %w", im.sum.Acknowledged, err)
}
