package cli

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery is how long a request's log line may wait in memory before
// it is written out.
const logFlushEvery = 100 * time.Millisecond

// logBufferBytes is how much the log holds before writing out early.
const logBufferBytes = 64 << 10

// logBuffer gathers log lines in memory and writes them out together, at
// most logFlushEvery after the first one waiting: one write() per burst of
// requests instead of one per request line, which under load cost more
// than formatting the lines. Each Write is one whole line (slog writes a
// record at once), and the buffer goes out only whole, so every write()
// ends at the end of a line: a crash loses the last lines, never half of
// one. A write() that fails loses the lines it held and nothing later.
type logBuffer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	timer  *time.Timer
	closed bool
}

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: w}
	b.timer = time.AfterFunc(time.Hour, b.Flush)
	b.timer.Stop()
	return b
}

// Write keeps p for the next flush, first writing out what waits if p
// would not fit beside it; once the buffer is closed it writes p at once.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.closed {
		return b.w.Write(p)
	}
	if len(b.buf) > 0 && len(b.buf)+len(p) > logBufferBytes {
		b.flushLocked()
	}
	if len(b.buf) == 0 {
		b.timer.Reset(logFlushEvery)
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes out every line waiting.
func (b *logBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *logBuffer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	// A log that cannot be written has nowhere to report it; the lines
	// after these try again.
	_, _ = b.w.Write(b.buf)
	b.buf = b.buf[:0]
}

// Close flushes and makes every later line be written at once.
func (b *logBuffer) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.timer.Stop()
	b.flushLocked()
}

// flushingHandler writes warnings and errors out at once, with the lines
// waiting before them, so that what explains a failure is never held back
// and never lost to a crash that follows.
type flushingHandler struct {
	slog.Handler
	buf *logBuffer
}

// Handle formats the record and flushes the buffer for a warning or worse.
func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.buf.Flush()
	}
	return err
}

// WithAttrs keeps the flushing behaviour on the derived handler.
func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.buf}
}

// WithGroup keeps the flushing behaviour on the derived handler.
func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.buf}
}
