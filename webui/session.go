package webui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rollcall/rollcall"
)

// The cookies of the web pages. Both are HttpOnly, SameSite=Strict and
// limited to /ui.
const (
	// sessionCookie holds a sessionValue, signed; never a key.
	sessionCookie = "rollcall_session"
	// signInCookie holds the random token that the sign-in form must echo
	// (a double-submit token against cross-site sign-in).
	signInCookie = "rollcall_signin"
)

// csrfField is the name of the hidden form field that carries the token.
const csrfField = "csrf"

// maxFormBytes bounds the body of the forms; they carry a key at most.
const maxFormBytes = 16 << 10

// errNoSession means the request carries no valid session: absent,
// tampered, expired, or its key revoked or gone.
var errNoSession = errors.New("no valid session")

// The sessions that ended for a reason the sign-in page gives. Both are
// errNoSession too, and reported only for a cookie whose MAC holds.
var (
	errSessionExpired = fmt.Errorf("%w: it expired", errNoSession)
	errSessionRevoked = fmt.Errorf("%w: its key was revoked", errNoSession)
)

// Reasons in the sign-in page's query, for a session that ended.
const (
	endedExpired = "expired"
	endedRevoked = "revoked"
)

// session is a signed-in person's access. Everything it reaches belongs to
// the environment of the key that signed in.
type session struct {
	prefix string
	env    string
	// csrf is the token every form of this session carries.
	csrf string
}

// mac signs a session's fields with the stored hash of its key. Every
// server reads that hash from the store, so any server accepts the session,
// and revoking or deleting the key ends it. purpose keeps the session's MAC
// and its form token apart.
func mac(hash []byte, purpose string, c sessionValue) []byte {
	m := hmac.New(sha256.New, hash)
	fmt.Fprintf(m, "rollcall webui %s|%s|%d|%s", purpose, c.prefix, c.expiry, c.nonce)
	return m.Sum(nil)
}

// sessionValue is what the session cookie holds, as
// prefix.expiry.nonce.mac: the key's prefix, the Unix second the session
// ends, a random nonce that makes each sign-in's form token its own, and
// the MAC over the rest.
type sessionValue struct {
	prefix string
	expiry int64
	nonce  string
	sum    []byte
}

func (c sessionValue) String() string {
	return c.prefix + "." + strconv.FormatInt(c.expiry, 10) + "." + c.nonce + "." +
		base64.RawURLEncoding.EncodeToString(c.sum)
}

// newSession returns the cookie that opens a session for key.
func (ui *UI) newSession(key rollcall.APIKey) (*http.Cookie, error) {
	nonce, err := randomToken(12)
	if err != nil {
		return nil, err
	}
	c := sessionValue{prefix: key.Prefix, expiry: ui.now().Add(ui.sessionTTL).Unix(), nonce: nonce}
	c.sum = mac(key.Hash, "session", c)
	return ui.cookie(sessionCookie, c.String(), int(ui.sessionTTL.Seconds())), nil
}

// cookie returns a cookie of the web pages; maxAge below zero deletes it.
func (ui *UI) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/ui",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   ui.secure,
		SameSite: http.SameSiteStrictMode,
	}
}

// session checks the request's session cookie against the key store. It
// returns errNoSession when there is no usable session, and another error
// only when the store fails.
func (ui *UI) session(r *http.Request) (session, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, errNoSession
	}
	c, ok := parseSession(cookie.Value)
	if !ok {
		return session{}, errNoSession
	}

	key, err := ui.store.KeyByPrefix(r.Context(), c.prefix)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return session{}, errNoSession
	}
	if err != nil {
		return session{}, fmt.Errorf("look up session key: %w", err)
	}

	switch {
	case !hmac.Equal(c.sum, mac(key.Hash, "session", c)) || key.Kind != rollcall.KeyServer:
		return session{}, errNoSession
	case key.Revoked():
		return session{}, errSessionRevoked
	case c.expiry <= ui.now().Unix():
		return session{}, errSessionExpired
	}
	csrf := base64.RawURLEncoding.EncodeToString(mac(key.Hash, "csrf", c))
	return session{prefix: c.prefix, env: key.Environment, csrf: csrf}, nil
}

// parseSession splits a session cookie's value.
func parseSession(value string) (sessionValue, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 4 || parts[0] == "" || parts[2] == "" {
		return sessionValue{}, false
	}
	expiry, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return sessionValue{}, false
	}
	sum, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || len(sum) != sha256.Size {
		return sessionValue{}, false
	}
	return sessionValue{prefix: parts[0], expiry: expiry, nonce: parts[2], sum: sum}, true
}

// sameOrigin refuses a form posted from another site: a browser names the
// page's origin in Origin (checked against Host) and, in newer browsers,
// says in Sec-Fetch-Site whether the page was of another site.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// tokenMatches compares a form's token with the expected one in constant
// time; an empty expectation never matches.
func tokenMatches(got, want string) bool {
	return want != "" && hmac.Equal([]byte(got), []byte(want))
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// sessionHandler serves a page for a signed-in person.
type sessionHandler func(w http.ResponseWriter, r *http.Request, s session) error

// withSession runs h only for a valid session, and for a POST only when it
// comes from this site and carries the session's form token.
func (ui *UI) withSession(h sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := ui.session(r)
		if errors.Is(err, errNoSession) {
			ui.requireSignIn(w, r, err)
			return
		}
		if err != nil {
			ui.fail(w, r, nil, err)
			return
		}

		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if !sameOrigin(r) || !tokenMatches(r.PostFormValue(csrfField), s.csrf) {
				ui.fail(w, r, &s, errForbiddenForm)
				return
			}
		}

		w.Header().Set("Cache-Control", "no-store")
		if err := h(w, r, s); err != nil {
			ui.fail(w, r, &s, err)
		}
	}
}

// requireSignIn sends a person without a session to the sign-in page,
// which says why the session ended, when it knows, and brings them back to
// the page they asked for.
func (ui *UI) requireSignIn(w http.ResponseWriter, r *http.Request, why error) {
	if _, err := r.Cookie(sessionCookie); err == nil {
		http.SetCookie(w, ui.cookie(sessionCookie, "", -1))
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		ui.renderError(w, r, nil, http.StatusForbidden,
			"Your session has ended, so nothing was changed. Sign in again and retry.")
		return
	}
	next := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	v := url.Values{"next": {next}}
	switch why {
	case errSessionExpired:
		v.Set("ended", endedExpired)
	case errSessionRevoked:
		v.Set("ended", endedRevoked)
	}
	http.Redirect(w, r, "/ui/signin?"+v.Encode(), http.StatusSeeOther)
}

// safeNext keeps a return path only when it stays on these pages.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/ui/signin") {
		return "/ui/users"
	}
	return next
}
