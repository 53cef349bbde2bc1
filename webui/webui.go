// Package webui serves the web pages under /ui/ where people who run
// rollcall browse, search and delete the users and groups of one
// environment. Pages are rendered on the server from embedded templates.
package webui

import (
	"io"
	"log/slog"
	"net/http"

	"github.com/rollcall/rollcall"
)

// Config configures the web pages.
type Config struct {
	Store  rollcall.Store
	Logger *slog.Logger // nil: discard
	Secure bool         // set the cookie's Secure flag (behind TLS)
}

// UI serves the web pages. It expects full request paths such as /ui/users.
type UI struct {
	store  rollcall.Store
	logger *slog.Logger
	secure bool
	mux    *http.ServeMux
}

var _ http.Handler = (*UI)(nil)

// New returns the web pages for cfg.
func New(cfg Config) *UI {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ui := &UI{store: cfg.Store, logger: logger, secure: cfg.Secure, mux: http.NewServeMux()}
	return ui
}

// ServeHTTP serves one request for a page under /ui/.
func (ui *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ui.mux.ServeHTTP(w, r)
}
