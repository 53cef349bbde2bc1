package httpapi

import (
	"net/http"
	"strings"

	"github.com/rollcall/rollcall"
)

// corsHeaders are the request headers the published browser client sends.
const corsHeaders = "x-api-key, content-type, authorization"

// corsMaxAge is how long, in seconds, a browser may reuse a preflight
// answer; browsers cap it at two hours anyway.
const corsMaxAge = "7200"

// allowOrigin echoes the request's Origin on an identify route, errors
// included, so that a browser can read the answer. admit removes it again
// when the key refuses the origin.
func allowOrigin(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
	}
}

// preflight answers a CORS preflight for any origin. Keys are not checked:
// browsers send no credentials with a preflight.
func preflight(w http.ResponseWriter, r *http.Request, _ rollcall.APIKey) error {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	requested := r.Header.Get("Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Headers", allowedHeaders(requested))
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// allowedHeaders names the headers rollcall reads plus whatever header
// names the browser asked for, since the published client may send more.
func allowedHeaders(requested string) string {
	names := strings.Split(corsHeaders, ", ")
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		seen[n] = true
	}

	for _, n := range strings.Split(requested, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n != "" && !seen[n] && isToken(n) {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// isToken reports whether s is a valid HTTP header name.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && strings.IndexByte("!#$%&'*+-.^_`|~", c) < 0 {
			return false
		}
	}
	return true
}
