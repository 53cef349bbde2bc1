package webui

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/rollcall/rollcall"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pageNames returns the pages, each a template of its own beside the
// layout.
func pageNames() []string {
	return []string{"signin", "users", "user", "confirm", "groups", "group", "error"}
}

// parsePages parses every page with the layout. The templates are embedded,
// so a failure is a bug the tests catch; it cannot depend on the machine.
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"userPath":   func(id string) string { return pathFor("/ui/users/", id) },
		"groupPath":  func(id string) string { return pathFor("/ui/groups/", id) },
		"deletePath": func(id string) string { return pathFor("/ui/delete/users/", id) },
		"when":       formatTime,
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	}

	names := pageNames()
	pages := make(map[string]*template.Template, len(names))
	for _, name := range names {
		t := template.New(name).Funcs(funcs)
		pages[name] = template.Must(t.ParseFS(templateFiles,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
	}
	return pages
}

// formatTime shows a timestamp to a person: UTC, to the second.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// view is what every page's template receives.
type view struct {
	Title string
	// Env is the session's environment; empty when signed out.
	Env  string
	CSRF string
	// Nav names the navigation entry of the page: users or groups.
	Nav  string
	Body any
}

// view returns the data of a page of this session.
func (s session) view(title, nav string, body any) view {
	return view{Title: title, Env: s.env, CSRF: s.csrf, Nav: nav, Body: body}
}

// render executes a page into a buffer first, so that a failing template
// never leaves half a page behind.
func (ui *UI) render(w http.ResponseWriter, status int, name string, v view) error {
	var buf bytes.Buffer
	if err := ui.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s page: %w", name, err)
	}

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// pageError is a failure with the status and sentence a person sees.
type pageError struct {
	status  int
	message string
}

func (e *pageError) Error() string {
	return fmt.Sprintf("%d: %s", e.status, e.message)
}

// errForbiddenForm refuses a form that failed the cross-site checks.
var errForbiddenForm = &pageError{http.StatusForbidden,
	"This form was sent from another page or has expired, so nothing was changed. " +
		"Go back, reload the page and try again."}

// fail shows err as a page. Errors of unknown kind are logged and shown as
// a fixed sentence that leaks nothing.
func (ui *UI) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		ui.renderError(w, r, s, pe.status, pe.message)
	case rollcall.ErrorCode(err) == rollcall.CodeNotFound:
		ui.notFoundFor(w, r, s)
	case rollcall.ErrorCode(err) == rollcall.CodeInvalid:
		ui.renderError(w, r, s, http.StatusBadRequest, rollcall.ErrorDetails(err, false))
	default:
		ui.log(r.Context(), slog.LevelError, "web page failed", "method", r.Method, "error", err)
		ui.renderError(w, r, s, http.StatusInternalServerError,
			"Something went wrong on the server. Try again, and report it if it persists.")
	}
}

// renderError shows a page with a status and one sentence. s is nil when
// the request has no session.
func (ui *UI) renderError(w http.ResponseWriter, r *http.Request, s *session,
	status int, msg string) {

	v := view{Title: http.StatusText(status), Body: msg}
	if s != nil {
		v = s.view(http.StatusText(status), "", msg)
	}
	if err := ui.render(w, status, "error", v); err != nil {
		ui.log(r.Context(), slog.LevelError, "render error page", "error", err)
		http.Error(w, http.StatusText(status), status)
	}
}

// notFound answers a path that names no page.
func (ui *UI) notFound(w http.ResponseWriter, r *http.Request) {
	ui.notFoundFor(w, r, nil)
}

func (ui *UI) notFoundFor(w http.ResponseWriter, r *http.Request, s *session) {
	ui.renderError(w, r, s, http.StatusNotFound, "There is nothing here. It may have been deleted, "+
		"or it belongs to another environment.")
}

// serveStatic serves the embedded style sheet and script.
func (ui *UI) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := "static/" + r.PathValue("name")
	if info, err := fs.Stat(staticFiles, name); err != nil || info.IsDir() {
		ui.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, staticFiles, name)
}
