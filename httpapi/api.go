// Package httpapi serves rollcall's JSON API over HTTP: the identify
// endpoints that the published Dopt clients call, the read and admin
// endpoints for server keys, and the health, readiness and metrics
// endpoints for operators.
package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rollcall/rollcall"
)

// Config holds what the API needs to serve requests.
type Config struct {
	Store  rollcall.Store
	Limits rollcall.Limits
	// Logger receives one line per request; nil discards them.
	Logger *slog.Logger
	// Registry receives the API's metrics and is what /metrics serves; nil
	// means a new registry.
	Registry *prometheus.Registry
	// RateLimit is how many requests per second each key may make; 0 turns
	// rate limiting off.
	RateLimit float64
	// RateBurst is how many requests a key may make at once.
	RateBurst int
	// KeyCacheTTL is how long a key lookup is reused; 0 looks keys up on
	// every request, so a revocation takes effect at once.
	KeyCacheTTL time.Duration
}

// API is the HTTP handler of the JSON API.
type API struct {
	cfg Config
	log *slog.Logger
	mux *http.ServeMux
}

// New returns an API serving cfg.Store.
func New(cfg Config) *API {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}

	return &API{cfg: cfg, log: log, mux: http.NewServeMux()}
}

// ServeHTTP answers one request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mux.ServeHTTP(w, r)
}
