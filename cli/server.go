package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
	"github.com/rollcall/rollcall/webui"
)

// Timeouts of the HTTP server. Reads allow a 5 MiB batch over a slow link;
// the header timeout stops clients that open connections and say nothing.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// drainMargin is how much longer than the request timeout shutdown
	// waits for requests in flight: a request that started just before the
	// signal may run for the whole timeout and still needs to answer.
	drainMargin = 10 * time.Second
)

// Server is the serve command in three steps: Open opens the store, creates
// the first keys of an empty store and listens; Run serves until its context
// ends and then drains the requests in flight; Close releases the store.
type Server struct {
	cfg   ServeConfig
	out   io.Writer
	log   *slog.Logger
	lock  *os.File
	store rollcall.Store
	ln    net.Listener
	http  *http.Server
	// drain bounds how long Run waits for requests in flight.
	drain time.Duration
}

// NewServer returns a server for cfg that prints first-run keys to out and
// logs to log.
func NewServer(cfg ServeConfig, out io.Writer, log *slog.Logger) *Server {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = httpapi.DefaultRequestTimeout
	}
	return &Server{cfg: cfg, out: out, log: log, drain: cfg.RequestTimeout + drainMargin}
}

// Open locks a SQLite file against a second server, opens the store,
// listens on the configured address and, when the store holds no key at
// all, creates and prints the first two.
func (s *Server) Open(ctx context.Context) error {
	if s.cfg.DB != "" && !isPostgres(s.cfg.DB) {
		lock, err := lockSQLite(s.cfg.DB)
		if err != nil {
			return err
		}
		s.lock = lock
	}

	store, err := openStore(ctx, s.cfg.DB, s.cfg.Limits)
	if err != nil {
		return err
	}
	s.store = store

	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s.ln = ln

	if err := s.bootstrap(ctx); err != nil {
		return err
	}

	s.http = &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeoutFor(s.cfg.RequestTimeout),
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return nil
}

// writeTimeoutFor is the http.Server's WriteTimeout, which runs from the
// end of a request's headers to the end of its answer. It spans the
// longest body upload that ReadTimeout allows, the key lookup and the
// store's work, each of which may take the whole request timeout, and a
// margin; a shorter one would drop the answer to a committed write.
func writeTimeoutFor(requestTimeout time.Duration) time.Duration {
	return max(writeTimeout, readTimeout+2*requestTimeout+drainMargin)
}

// bootstrap creates the first keys of an empty store. On PostgreSQL,
// where several servers may start together, it holds a database-wide lock
// while it counts and creates; on SQLite the file lock already keeps other
// servers out.
func (s *Server) bootstrap(ctx context.Context) error {
	create := func() error { return bootstrapKeys(ctx, s.store, s.out, s.URL()) }
	if isPostgres(s.cfg.DB) {
		return withPostgresLock(ctx, s.cfg.DB, create)
	}
	return create()
}

// Addr returns the address the server listens on, with the port chosen
// when the configured port was 0. It is valid after Open.
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// URL returns the base URL of the API, for clients. It is valid after Open.
func (s *Server) URL() string {
	return "http://" + s.Addr()
}

// Store returns the open store. It is valid after Open.
func (s *Server) Store() rollcall.Store {
	return s.store
}

// handler routes requests to the API and, under /ui/, to the web pages,
// giving both a request ID, a log line and metrics.
func (s *Server) handler() http.Handler {
	api := httpapi.New(httpapi.Config{
		Store:          s.store,
		Limits:         s.cfg.Limits,
		Logger:         s.log,
		Registry:       newRegistry(),
		RateLimit:      s.cfg.RateLimit,
		RateBurst:      s.cfg.RateBurst,
		KeyCacheTTL:    keyCacheTTL(s.cfg.DB),
		RequestTimeout: s.cfg.RequestTimeout,
	})
	pages := webui.New(webui.Config{Store: s.store, Logger: s.log, Secure: s.cfg.SecureCookies,
		RequestID: httpapi.RequestID})
	// The pages are logged and counted as the API's requests are, under
	// one route label: their paths hold identifiers.
	return routes(api, api.Observe("ui", pages))
}

// newRegistry returns the registry /metrics serves, with the Go runtime's
// and the process's collectors beside the API's own metrics.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// routes sends /ui and everything under /ui/ to pages, when there are web
// pages, and every other request to the API, which answers unknown routes
// itself. It dispatches on the path prefix instead of a second ServeMux so
// that the API sees every path exactly as sent, never cleaned or redirected.
func routes(api, pages http.Handler) http.Handler {
	if pages == nil {
		return api
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ui" || strings.HasPrefix(r.URL.Path, "/ui/") {
			pages.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// Run serves requests until ctx ends, then stops accepting new ones and
// waits for those in flight, for at most the request timeout and a margin.
// Requests still running then have their connections closed, and Run
// reports it.
func (s *Server) Run(ctx context.Context) error {
	s.log.Info("listening", "addr", s.Addr(), "url", s.URL(), "store", storeKind(s.cfg.DB))

	served := make(chan error, 1)
	go func() { served <- s.http.Serve(s.ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.log.Info("shutting down", "reason", context.Cause(ctx).Error())
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.drain)
	defer cancel()
	if err := s.http.Shutdown(drainCtx); err != nil {
		closeErr := s.http.Close()
		return errors.Join(fmt.Errorf("requests were still running %s after the signal to "+
			"stop; their connections were closed: %w", s.drain, err), closeErr)
	}

	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// Close stops listening, if Run did not, and closes the store so that
// everything written is on disk. It may be called after a failed Open.
func (s *Server) Close() error {
	var errs []error
	if s.ln != nil {
		if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("close listener: %w", err))
		}
	}
	if s.store != nil {
		if err := s.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
	}
	// The lock goes last, so that a next server opens a closed store.
	if s.lock != nil {
		if err := s.lock.Close(); err != nil {
			errs = append(errs, fmt.Errorf("release lock: %w", err))
		}
		s.lock = nil
	}
	return errors.Join(errs...)
}
