package transfer

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Meter shows an import's progress on w: a progress bar when w is a
// terminal, otherwise a plain line every Interval. The fraction done is
// the share of the input's bytes read, when their total is known.
type Meter struct {
	w        io.Writer
	total    int64
	interval time.Duration
	read     atomic.Int64
	start    time.Time

	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	last time.Time
}

// MeterConfig sets up a Meter.
type MeterConfig struct {
	// Total is the input's size in bytes; 0 or less when unknown.
	Total int64
	// Terminal draws a progress bar; otherwise plain lines are printed.
	Terminal bool
	// Interval is the least time between plain lines; the default is 5s.
	Interval time.Duration
}

// NewMeter returns a Meter writing to w.
func NewMeter(w io.Writer, cfg MeterConfig) *Meter {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	m := &Meter{w: w, total: cfg.Total, interval: cfg.Interval, start: time.Now()}
	m.last = m.start
	if cfg.Terminal {
		total := cfg.Total
		if total <= 0 {
			total = -1
		}
		m.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetDescription("importing"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionFullWidth(),
		)
	}
	return m
}

// Reader returns r counting the bytes read through it.
func (m *Meter) Reader(r io.Reader) io.Reader {
	return meterReader{r: r, m: m}
}

type meterReader struct {
	r io.Reader
	m *Meter
}

func (mr meterReader) Read(p []byte) (int, error) {
	n, err := mr.r.Read(p)
	mr.m.read.Add(int64(n))
	return n, err
}

// Update shows s; pass it as ImportConfig.Progress.
func (m *Meter) Update(s Summary) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bar != nil {
		m.bar.Describe(fmt.Sprintf("%d rows, %d rejected", s.Imported, s.Rejected))
		_ = m.bar.Set64(m.read.Load())
		return
	}

	now := time.Now()
	if now.Sub(m.last) < m.interval {
		return
	}
	m.last = now
	fmt.Fprintln(m.w, m.line(s, now))
}

// Finish shows the final count.
func (m *Meter) Finish(s Summary) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bar != nil {
		_ = m.bar.Finish()
		fmt.Fprintln(m.w)
		return
	}
	fmt.Fprintln(m.w, m.line(s, time.Now()))
}

// line words one plain progress line.
func (m *Meter) line(s Summary, now time.Time) string {
	elapsed := now.Sub(m.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(s.Imported+s.Rejected) / elapsed
	}
	noun := "rows"
	if s.Imported == 1 {
		noun = "row"
	}
	text := fmt.Sprintf("imported %d %s, %d rejected, %d skipped, %.0f rows/s",
		s.Imported, noun, s.Rejected, s.Skipped, rate)
	if m.total > 0 {
		done := float64(m.read.Load()) / float64(m.total)
		text += fmt.Sprintf(", %.0f%% read", 100*done)
		if done > 0 && done < 1 {
			left := time.Duration(elapsed * (1 - done) / done * float64(time.Second))
			text += fmt.Sprintf(", about %s left", left.Round(time.Second))
		}
	}
	return text
}
