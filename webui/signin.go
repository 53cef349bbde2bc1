package webui

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/rollcall/rollcall"
)

// signInBody is the sign-in page.
type signInBody struct {
	Token   string
	Next    string
	Error   string
	Notice  string
	Expires string
}

// signInForm shows the sign-in form, or sends a person who already has a
// session on to where they were going.
func (ui *UI) signInForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := ui.session(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}

	body := signInBody{Next: next}
	switch {
	case r.URL.Query().Has("signedout"):
		body.Notice = "You are signed out."
	case r.URL.Query().Get("ended") == endedRevoked:
		body.Notice = "Your session ended: the key was revoked."
	case r.URL.Query().Get("ended") == endedExpired:
		body.Notice = "Your session expired; sign in again."
	}
	ui.showSignIn(w, r, http.StatusOK, body)
}

// showSignIn renders the form with a double-submit token: the same random
// value in a cookie and in a hidden field, which a foreign site can set in
// neither.
func (ui *UI) showSignIn(w http.ResponseWriter, r *http.Request, status int, body signInBody) {
	token := ""
	if c, err := r.Cookie(signInCookie); err == nil && len(c.Value) == 43 {
		token = c.Value
	} else if token, err = randomToken(32); err != nil {
		ui.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, ui.cookie(signInCookie, token, 3600))

	body.Token = token
	body.Expires = fmt.Sprintf("%d hours", int(ui.sessionTTL.Hours()))
	if err := ui.render(w, status, "signin", view{Title: "Sign in", Body: body}); err != nil {
		ui.fail(w, r, nil, err)
	}
}

func (ui *UI) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	body := signInBody{Next: safeNext(r.PostFormValue("next"))}
	c, err := r.Cookie(signInCookie)
	if err != nil || !sameOrigin(r) || !tokenMatches(r.PostFormValue(csrfField), c.Value) {
		body.Error = "This form was sent from another page or has expired. " +
			"Check that cookies are allowed for this site, and sign in again."
		ui.showSignIn(w, r, http.StatusForbidden, body)
		return
	}

	key, err := ui.checkKey(r, strings.TrimSpace(r.PostFormValue("key")))
	var pe *pageError
	if errors.As(err, &pe) {
		body.Error = pe.message
		ui.showSignIn(w, r, pe.status, body)
		return
	}
	if err != nil {
		ui.fail(w, r, nil, err)
		return
	}

	session, err := ui.newSession(key)
	if err != nil {
		ui.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, session)
	http.SetCookie(w, ui.cookie(signInCookie, "", -1))
	ui.log(r.Context(), slog.LevelInfo, "signed in to the web pages",
		"env", key.Environment, "key_prefix", key.Prefix)
	http.Redirect(w, r, body.Next, http.StatusSeeOther)
}

// checkKey returns the stored key of a presented secret when it may sign
// in. A key is called revoked or a browser key only once the whole secret
// matched, so a guess learns nothing about which prefixes exist.
func (ui *UI) checkKey(r *http.Request, secret string) (rollcall.APIKey, error) {
	if secret == "" {
		return rollcall.APIKey{}, &pageError{http.StatusBadRequest, "Enter a server key to sign in."}
	}
	unknown := &pageError{http.StatusUnauthorized,
		"This key is not known to this server. Check that you copied the whole key."}
	prefix, ok := rollcall.SecretPrefix(secret)
	if !ok || !keyShaped(secret) {
		return rollcall.APIKey{}, &pageError{http.StatusUnauthorized, "That is not a rollcall " +
			"key: server keys start with rcs_ and are 44 characters long."}
	}

	key, err := ui.store.KeyByPrefix(r.Context(), prefix)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound || (err == nil && !key.Matches(secret)) {
		return rollcall.APIKey{}, unknown
	}
	if err != nil {
		return rollcall.APIKey{}, fmt.Errorf("look up key: %w", err)
	}

	switch {
	case key.Revoked():
		return key, &pageError{http.StatusUnauthorized,
			"This key has been revoked. Sign in with an active server key."}
	case key.Kind != rollcall.KeyServer:
		return key, &pageError{http.StatusForbidden, "Browser keys cannot sign in: they are " +
			"public write keys. Sign in with a server key (it starts with rcs_)."}
	}
	return key, nil
}

// signOut ends the session by deleting its cookie. The cookie holds no
// secret, and the key stays valid; revoke the key to end every session.
func (ui *UI) signOut(w http.ResponseWriter, r *http.Request, _ session) error {
	http.SetCookie(w, ui.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/ui/signin?signedout=1", http.StatusSeeOther)
	return nil
}

// keyShaped reports whether every character after a secret's tag is one a
// key can hold; SecretPrefix has checked the tag and the length.
func keyShaped(secret string) bool {
	for _, c := range secret[len("rcs_"):] {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
