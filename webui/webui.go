// Package webui serves the web pages under /ui/ where people who run
// rollcall browse, search and delete the users and groups of one
// environment. Pages are rendered on the server from embedded templates;
// a signed cookie, checked against the key store on every request, holds
// the session.
package webui

import (
	"context"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rollcall/rollcall"
)

// Config configures the web pages.
type Config struct {
	Store  rollcall.Store
	Logger *slog.Logger // nil: discard
	Secure bool         // set the cookie's Secure flag (behind TLS)
	// RequestID names the request a context belongs to, for the pages'
	// log lines; nil or "" leaves it out.
	RequestID func(context.Context) string
}

// UI serves the web pages. It expects full request paths such as /ui/users.
type UI struct {
	store      rollcall.Store
	logger     *slog.Logger
	requestID  func(context.Context) string
	secure     bool
	pages      map[string]*template.Template
	mux        *http.ServeMux
	byID       []idRoute
	now        func() time.Time
	sessionTTL time.Duration
}

var _ http.Handler = (*UI)(nil)

// pageSize is how many users or groups one page of a list shows.
const pageSize = 50

// New returns the web pages for cfg.
func New(cfg Config) *UI {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	ui := &UI{
		store:      cfg.Store,
		logger:     logger,
		requestID:  cfg.RequestID,
		secure:     cfg.Secure,
		pages:      parsePages(),
		mux:        http.NewServeMux(),
		now:        time.Now,
		sessionTTL: 8 * time.Hour,
	}
	ui.routes()
	return ui
}

// idRoute is a page named by an identifier at the end of its path.
type idRoute struct {
	method string
	prefix string
	handle http.HandlerFunc
}

func (ui *UI) routes() {
	ui.mux.HandleFunc("GET /ui", redirectTo("/ui/users"))
	ui.mux.HandleFunc("GET /ui/{$}", redirectTo("/ui/users"))
	ui.mux.HandleFunc("GET /ui/static/{name}", ui.serveStatic)
	ui.mux.HandleFunc("GET /ui/signin", ui.signInForm)
	ui.mux.HandleFunc("POST /ui/signin", ui.signIn)
	ui.mux.HandleFunc("POST /ui/signout", ui.withSession(ui.signOut))
	ui.mux.HandleFunc("GET /ui/users", ui.withSession(ui.usersPage))
	ui.mux.HandleFunc("GET /ui/groups", ui.withSession(ui.groupsPage))
	ui.mux.HandleFunc("/ui/", ui.notFound)

	ui.byID = []idRoute{
		{http.MethodGet, "/ui/users/", ui.withSession(ui.userPage)},
		{http.MethodGet, "/ui/groups/", ui.withSession(ui.groupPage)},
		{http.MethodGet, "/ui/delete/users/", ui.withSession(ui.confirmDeletePage)},
		{http.MethodPost, "/ui/delete/users/", ui.withSession(ui.deleteUser)},
	}
}

// ServeHTTP serves one request for a page under /ui/.
func (ui *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	if ui.serveByID(w, r) {
		return
	}
	ui.mux.ServeHTTP(w, r)
}

// serveByID routes the pages named by an identifier. They bypass the
// ServeMux because it cleans the decoded path, which would redirect
// identifiers such as "a//b" or "..": here the identifier is taken from the
// escaped path and unescaped once.
func (ui *UI) serveByID(w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.EscapedPath()
	var allowed []string
	for _, rt := range ui.byID {
		rest, ok := strings.CutPrefix(path, rt.prefix)
		if rest == "" && r.URL.Query().Has("id") {
			rest = url.PathEscape(r.URL.Query().Get("id"))
		}
		if !ok || rest == "" || strings.Contains(rest, "/") {
			continue
		}
		if r.Method != rt.method && !(r.Method == http.MethodHead && rt.method == http.MethodGet) {
			allowed = append(allowed, rt.method)
			continue
		}
		id, err := url.PathUnescape(rest)
		if err != nil {
			ui.notFound(w, r)
			return true
		}
		if err := rollcall.ValidateIdentifier(id); err != nil {
			// The details name the problem, never the identifier, which
			// may be any length.
			ui.renderError(w, r, nil, http.StatusBadRequest,
				"This address does not name a valid identifier: "+
					rollcall.ErrorDetails(err, false)+".")
			return true
		}
		r.SetPathValue("id", id)
		rt.handle(w, r)
		return true
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		ui.renderError(w, r, nil, http.StatusMethodNotAllowed,
			"This page does not accept that kind of request.")
		return true
	}
	return false
}

// pathFor returns the path of the page named by prefix and identifier. The
// identifier is one escaped path segment, so '/' travels as %2F. Browsers
// drop the segments "." and ".." (even escaped), so those two identifiers
// travel in the query instead.
func pathFor(prefix, id string) string {
	if id == "." || id == ".." {
		return prefix + "?id=" + url.QueryEscape(id)
	}
	return prefix + url.PathEscape(id)
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, path, http.StatusSeeOther)
	}
}

// setSecurityHeaders forbids inline scripts, framing and foreign form
// targets on every answer, static files included.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// log writes one line about the request of ctx, led by its request ID.
func (ui *UI) log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if ui.requestID != nil {
		if id := ui.requestID(ctx); id != "" {
			args = append([]any{"request_id", id}, args...)
		}
	}
	ui.logger.Log(ctx, level, msg, args...)
}
