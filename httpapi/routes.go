package httpapi

import (
	"context"
	"net/http"
	"path"
	"strings"

	"github.com/rollcall/rollcall"
)

// access says which keys may call a route.
type access int

const (
	// public routes need no key.
	public access = iota
	// writer routes take a server or a browser key.
	writer
	// reader routes take a server key only.
	reader
)

// handler answers a request that has passed its route's checks. A returned
// error is answered by the caller.
type handler func(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error

// route is one row of the route table.
type route struct {
	pattern string
	access  access
	// cors routes answer browsers: they echo an allowed Origin.
	cors bool
	// batch routes name the faulty item in their error details.
	batch bool
	// body routes read a request body; their handlers start the request
	// timeout once it is read.
	body   bool
	handle handler
}

// identifyPaths are the paths that browsers may call.
func identifyPaths() []string {
	return []string{
		"/identify", "/identify/{identifier}", "/identify/batch",
		"/identify/bulk", "/identify/group", "/identify/segment",
	}
}

// routes is the one route table of the API.
func (a *API) routes() []route {
	rts := []route{
		{pattern: "POST /identify", handle: a.identify(always(decodeUser), false)},
		{pattern: "POST /identify/{identifier}", handle: a.identify(propertiesOfPath, false)},
		{pattern: "POST /identify/batch", batch: true, handle: a.identify(always(decodeBatch), true)},
		{pattern: "POST /identify/bulk", batch: true, handle: a.identify(always(decodeBulk), true)},
		{pattern: "POST /identify/group", handle: a.identify(always(decodeGroup), false)},
		{pattern: "POST /identify/segment", handle: a.identifySegment},
	}
	for i := range rts {
		rts[i].access, rts[i].cors, rts[i].body = writer, true, true
	}
	for _, p := range identifyPaths() {
		rts = append(rts, route{pattern: "OPTIONS " + p, cors: true, handle: preflight})
	}

	return append(rts,
		route{pattern: "GET /users/{identifier}", access: reader, handle: a.getUser},
		route{pattern: "GET /users", access: reader, handle: a.listUsers},
		route{pattern: "DELETE /users/{identifier}", access: reader, handle: a.deleteUser},
		route{pattern: "DELETE /users/{identifier}/groups/{group}", access: reader,
			handle: a.deleteMembership},
		route{pattern: "GET /groups/{identifier}", access: reader, handle: a.getGroup},
		route{pattern: "GET /groups", access: reader, handle: a.listGroups},
		route{pattern: "GET /groups/{identifier}/users", access: reader, handle: a.listMembers},
		route{pattern: "DELETE /groups/{identifier}", access: reader, handle: a.deleteGroup},
		route{pattern: "GET /healthz", handle: a.healthz},
		route{pattern: "GET /readyz", handle: a.readyz},
		route{pattern: "GET /metrics", handle: a.serveMetrics},
	)
}

// serveRoute runs a route's checks, then its handler, and answers any error.
func (a *API) serveRoute(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := exchangeOf(r)
		if rt.cors {
			allowOrigin(w, r)
		}

		key, err := a.admitBounded(w, r, rt, ex)
		if err == nil {
			err = a.handleBounded(w, r, rt, key)
		}
		if err != nil {
			a.writeError(w, ex, err, rt.batch)
		}
	})
}

// admitBounded runs admit within the request timeout.
func (a *API) admitBounded(
	w http.ResponseWriter, r *http.Request, rt route, ex *exchange,
) (rollcall.APIKey, error) {
	r, cancel := a.bounded(r)
	defer cancel()
	return a.admit(w, r, rt, ex)
}

// handleBounded runs rt's handler within the request timeout, or leaves
// the timeout to a handler that first reads a body.
func (a *API) handleBounded(
	w http.ResponseWriter, r *http.Request, rt route, key rollcall.APIKey,
) error {
	if rt.body {
		return rt.handle(w, r, key)
	}
	r, cancel := a.bounded(r)
	defer cancel()
	return rt.handle(w, r, key)
}

// match finds the route of r and records its pattern. When there is none it
// answers with a JSON 404 or 405, before any key is looked at, and reports
// false.
func (a *API) match(w http.ResponseWriter, r *http.Request, ex *exchange) bool {
	// ServeMux would redirect a path with empty, "." or ".." segments to its
	// cleaned form; an API client is better served by a plain error.
	if p := r.URL.EscapedPath(); p != cleanPath(p) {
		a.writeError(w, ex, rollcall.Errorf(rollcall.CodeNotFound,
			"the path has an empty, \".\" or \"..\" segment; "+
				"percent-encode such identifiers"), false)
		return false
	}

	if _, pattern := a.mux.Handler(r); pattern != "" {
		ex.route = pattern
		return true
	}

	allowed := a.allowedMethods(r)
	if len(allowed) == 0 {
		a.writeError(w, ex, rollcall.Errorf(rollcall.CodeNotFound,
			"there is no endpoint at this path"), false)
		return false
	}
	list := strings.Join(allowed, ", ")
	w.Header().Set("Allow", list)
	a.writeError(w, ex, rollcall.Errorf(rollcall.CodeMethodNotAllowed,
		"this endpoint does not answer %.20s; it answers %s", r.Method, list), false)
	return false
}

// allowedMethods lists the methods that have a route at r's path.
func (a *API) allowedMethods(r *http.Request) []string {
	var allowed []string
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		probe := r.WithContext(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	return allowed
}

// cleanPath is the path ServeMux would redirect p to: no empty, "." or ".."
// segments, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// exchangeOf returns the exchange ServeHTTP attached to r.
// RequestID returns the ID that ServeHTTP or Observe gave the request whose
// context ctx is, or "" outside such a request. Handlers wrapped by Observe
// put it on their own log lines so that they join the request's line.
func RequestID(ctx context.Context) string {
	if ex, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return ex.id
	}
	return ""
}

func exchangeOf(r *http.Request) *exchange {
	if ex, ok := r.Context().Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{}
}
