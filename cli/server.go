package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
	// shutdownTimeout bounds how long requests in flight may take to finish
	// once the server is asked to stop.
	shutdownTimeout = 20 * time.Second
)

// Server is the serve command in three steps: Open opens the store, creates
// the first keys of an empty store and listens; Run serves until its context
// ends and then drains the requests in flight; Close releases the store.
type Server struct {
	cfg   ServeConfig
	out   io.Writer
	log   *slog.Logger
	store rollcall.Store
	ln    net.Listener
	http  *http.Server
}

// NewServer returns a server for cfg that prints first-run keys to out and
// logs to log.
func NewServer(cfg ServeConfig, out io.Writer, log *slog.Logger) *Server {
	return &Server{cfg: cfg, out: out, log: log}
}

// Open opens the store, listens on the configured address and, when the
// store holds no key at all, creates and prints the first two.
func (s *Server) Open(ctx context.Context) error {
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

	if err := bootstrapKeys(ctx, s.store, s.out, s.URL()); err != nil {
		return err
	}

	s.http = &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return nil
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

// handler routes requests to the API and, under /ui/, to the web pages.
func (s *Server) handler() http.Handler {
	api := httpapi.New(httpapi.Config{
		Store:       s.store,
		Limits:      s.cfg.Limits,
		Logger:      s.log,
		Registry:    prometheus.NewRegistry(),
		RateLimit:   s.cfg.RateLimit,
		RateBurst:   s.cfg.RateBurst,
		KeyCacheTTL: keyCacheTTL(s.cfg.DB),
	})
	pages := webui.New(webui.Config{Store: s.store, Logger: s.log})
	return routes(api, pages)
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
// waits for those in flight, for at most shutdownTimeout.
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
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(drainCtx); err != nil {
		return fmt.Errorf("drain requests: %w", err)
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
	return errors.Join(errs...)
}
