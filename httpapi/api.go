// Package httpapi serves rollcall's JSON API over HTTP: the identify
// endpoints that the published Dopt clients call, the read and admin
// endpoints for server keys, and the health, readiness and metrics
// endpoints for operators.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rollcall/rollcall"
)

// Config holds what the API needs to serve requests.
type Config struct {
	Store rollcall.Store
	// Limits bound what one request may carry: the API reads only the
	// body sizes and MaxDepth, and a zero one takes its value from
	// rollcall.DefaultLimits. MaxProperties and MaxPropertyBytes count
	// after the merge, so the store owns them: give it the same Limits.
	Limits rollcall.Limits
	// Logger receives one line per request; nil discards them.
	Logger *slog.Logger
	// Registry receives the API's metrics and is what /metrics serves; nil
	// means a new registry.
	Registry *prometheus.Registry
	// RateLimit is how many requests per second each key may make; 0 turns
	// rate limiting off.
	RateLimit float64
	// RateBurst is how many requests a key may make at once; below 1 means
	// the rate rounded up.
	RateBurst int
	// KeyCacheTTL is how long a key lookup is reused; 0 looks keys up on
	// every request, so a revocation takes effect at once.
	KeyCacheTTL time.Duration
	// RequestTimeout bounds how long a request may wait on the store, so a
	// database that stops answering cannot hold connections forever; 0
	// means DefaultRequestTimeout. The time a client takes to send its body
	// does not count: the http.Server's ReadTimeout bounds that.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout is the RequestTimeout when none is set.
const DefaultRequestTimeout = 30 * time.Second

// API is the HTTP handler of the JSON API. It is safe for concurrent use.
type API struct {
	store    rollcall.Store
	limits   rollcall.Limits
	log      *slog.Logger
	registry *prometheus.Registry
	mux      *http.ServeMux
	metrics  *metrics
	keys     *keyCache
	limiter  *limiter
	timeout  time.Duration
}

var _ http.Handler = (*API)(nil)

// New returns an API serving cfg.Store.
func New(cfg Config) *API {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}

	a := &API{
		store:    cfg.Store,
		limits:   withDefaults(cfg.Limits),
		log:      log,
		registry: cfg.Registry,
		mux:      http.NewServeMux(),
		metrics:  newMetrics(cfg.Registry),
		keys:     newKeyCache(cfg.Store, cfg.KeyCacheTTL),
		limiter:  newLimiter(cfg.RateLimit, cfg.RateBurst),
		timeout:  cfg.RequestTimeout,
	}
	if a.timeout <= 0 {
		a.timeout = DefaultRequestTimeout
	}
	for _, rt := range a.routes() {
		a.mux.Handle(rt.pattern, a.serveRoute(rt))
	}
	return a
}

// withDefaults fills the zero limits that the API reads from the
// contract's defaults, so that a forgotten setting does not refuse every
// body.
func withDefaults(l rollcall.Limits) rollcall.Limits {
	d := rollcall.DefaultLimits()
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxBatchBodyBytes <= 0 {
		l.MaxBatchBodyBytes = d.MaxBatchBodyBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// exchange is what the steps of one request share.
type exchange struct {
	id    string
	route string
	env   string
	start time.Time
}

type exchangeKey struct{}

// ServeHTTP answers one request: it names it, finds its route, and logs and
// counts it once it is answered, even if a handler panics.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.observe(w, r, "", func(w http.ResponseWriter, r *http.Request) {
		if a.match(w, r, exchangeOf(r)) {
			a.mux.ServeHTTP(w, r)
		}
	})
}

// Observe wraps h, which serves requests outside the API, so that each of
// its requests gets a request ID, one log line and its metrics as the API's
// own do. route labels both; it must name the handler, never hold a path,
// which may carry identifiers.
func (a *API) Observe(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.observe(w, r, route, h.ServeHTTP)
	})
}

// observe runs serve with a new exchange attached to r, under route when
// it is known already, and logs and counts the request once it is answered.
func (a *API) observe(w http.ResponseWriter, r *http.Request, route string,
	serve http.HandlerFunc,
) {
	ex := &exchange{id: newRequestID(), route: route, start: time.Now()}
	sw := &statusWriter{ResponseWriter: w}
	sw.Header().Set("X-Request-Id", ex.id)
	defer a.finish(sw, r, ex)
	defer a.recoverPanic(sw, ex)

	ctx := context.WithValue(r.Context(), exchangeKey{}, ex)
	serve(sw, r.WithContext(ctx))
}

// bounded returns r with a context that ends after the request timeout.
// The timeout bounds the store's work, not the client's upload, so routes
// with a body start it only once the body is read.
func (a *API) bounded(r *http.Request) (*http.Request, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(r.Context(), a.timeout)
	return r.WithContext(ctx), cancel
}

// finish logs the request's one line and counts it.
func (a *API) finish(w *statusWriter, r *http.Request, ex *exchange) {
	elapsed := time.Since(ex.start)
	route := ex.route
	if route == "" {
		route = "unmatched"
	}
	a.metrics.observe(route, r.Method, w.Status(), elapsed)

	attrs := []slog.Attr{
		slog.String("request_id", ex.id),
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.Int("status", w.Status()),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int64("bytes", w.bytes),
	}
	if ex.env != "" {
		attrs = append(attrs, slog.String("env", ex.env))
	}
	a.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// recoverPanic turns a handler's panic into a 500 answer and a log line
// rather than a dropped connection.
func (a *API) recoverPanic(w *statusWriter, ex *exchange) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}

	a.log.Error("panic", slog.String("request_id", ex.id),
		slog.String("route", ex.route), slog.Any("panic", p))
	if w.status == 0 {
		writeJSON(w, http.StatusInternalServerError, errorBody{
			Code:    rollcall.CodeInternal,
			Details: rollcall.ErrorDetails(nil, false),
		})
	}
}

// newRequestID returns 16 random hex characters.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the status.
func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write records the size.
func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Status returns the status sent, 200 if the handler wrote nothing.
func (w *statusWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
