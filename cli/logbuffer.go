package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery is how long a request's log line may wait in memory before
// it is written out.
const logFlushEvery = 100 * time.Millisecond

// logBuffer gathers log lines in memory and writes them out together, at
// most logFlushEvery after the first one waiting: one write() per burst of
// requests instead of one per request line, which under load cost more
// than formatting the lines. Lines stay whole and in order.
type logBuffer struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	timer  *time.Timer
	closed bool
}

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{buf: bufio.NewWriterSize(w, 64<<10)}
	b.timer = time.AfterFunc(time.Hour, b.Flush)
	b.timer.Stop()
	return b
}

// Write keeps p for the next flush, or writes it at once once the buffer
// is closed.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.closed {
		n, err := b.buf.Write(p)
		if err == nil {
			err = b.buf.Flush()
		}
		return n, err
	}
	if b.buf.Buffered() == 0 {
		b.timer.Reset(logFlushEvery)
	}
	return b.buf.Write(p)
}

// Flush writes out every line waiting.
func (b *logBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	// A log that cannot be written has nowhere to report it.
	_ = b.buf.Flush()
}

// Close flushes and makes every later line be written at once.
func (b *logBuffer) Close() {
	b.mu.Lock()
	b.closed = true
	b.timer.Stop()
	b.mu.Unlock()
	b.Flush()
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
