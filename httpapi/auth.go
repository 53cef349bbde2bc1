package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rollcall/rollcall"
)

// admit checks that r may call rt: a good key of the right kind, an allowed
// origin and room under the rate limit. Public routes admit everyone.
func (a *API) admit(
	w http.ResponseWriter, r *http.Request, rt route, ex *exchange,
) (rollcall.APIKey, error) {
	if rt.access == public {
		return rollcall.APIKey{}, nil
	}

	key, err := a.authenticate(r.Context(), r)
	if err != nil {
		return rollcall.APIKey{}, err
	}
	ex.env = key.Environment

	if key.Kind != rollcall.KeyServer && rt.access == reader {
		return rollcall.APIKey{}, rollcall.Errorf(rollcall.CodeForbidden,
			"browser keys may call only the identify endpoints; use a server key")
	}
	if origin := r.Header.Get("Origin"); origin != "" && key.Kind == rollcall.KeyBrowser &&
		!key.AllowsOrigin(origin) {
		// An origin the key refuses is not echoed back to the browser.
		w.Header().Del("Access-Control-Allow-Origin")
		w.Header().Del("Access-Control-Expose-Headers")
		return rollcall.APIKey{}, rollcall.Errorf(rollcall.CodeForbidden,
			"the origin %s is not on this browser key's list of allowed origins",
			rollcall.QuoteID(origin))
	}
	if err := a.limiter.allow(w, key.Prefix); err != nil {
		return rollcall.APIKey{}, err
	}
	return key, nil
}

// authenticate finds the active key that r presents.
func (a *API) authenticate(ctx context.Context, r *http.Request) (rollcall.APIKey, error) {
	secret, err := presentedSecret(r)
	if err != nil {
		return rollcall.APIKey{}, err
	}
	prefix, ok := rollcall.SecretPrefix(secret)
	if !ok {
		return rollcall.APIKey{}, rollcall.Errorf(rollcall.CodeUnauthorized,
			"the API key is malformed: rollcall keys start with rcs_ or rcb_ "+
				"and are 44 characters long")
	}

	key, err := a.keys.lookup(ctx, prefix)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound || (err == nil && !key.Matches(secret)) {
		return rollcall.APIKey{}, rollcall.Errorf(rollcall.CodeUnauthorized,
			"the API key is not known; check that it was copied whole")
	}
	if err != nil {
		return rollcall.APIKey{}, fmt.Errorf("look up key: %w", err)
	}
	if key.Revoked() {
		return rollcall.APIKey{}, rollcall.Errorf(rollcall.CodeUnauthorized,
			"the API key has been revoked; create a new one")
	}
	return key, nil
}

// presentedSecret reads the key from the x-api-key header, or else from an
// Authorization header: Bearer KEY, or Basic with the key as the user name
// (as Segment's webhook destination sends it) or, when the user name is
// empty, as the password. A request that presents several different keys
// is refused rather than guessed at: which one a client meant is unknown.
func presentedSecret(r *http.Request) (string, error) {
	headerKeys := r.Header.Values("X-Api-Key")
	auths := r.Header.Values("Authorization")
	if len(headerKeys) > 1 || len(auths) > 1 {
		return "", errSeveralKeys
	}
	if len(auths) == 0 {
		if len(headerKeys) == 0 || headerKeys[0] == "" {
			return "", rollcall.Errorf(rollcall.CodeUnauthorized,
				"no API key: send it in the x-api-key header or as Authorization: Bearer KEY")
		}
		return headerKeys[0], nil
	}

	fromAuth, err := authorizationSecret(r, auths[0])
	if len(headerKeys) == 0 || headerKeys[0] == "" || errors.Is(err, errSeveralKeys) {
		return fromAuth, err
	}
	// An Authorization header that carries no rollcall key may be meant for
	// a proxy in front of the server; one that carries another key is a
	// mistake worth reporting.
	if _, isKey := rollcall.SecretPrefix(fromAuth); err == nil && isKey &&
		fromAuth != headerKeys[0] {
		return "", errSeveralKeys
	}
	return headerKeys[0], nil
}

// authorizationSecret reads the key from an Authorization header's value.
func authorizationSecret(r *http.Request, auth string) (string, error) {
	scheme, token, _ := strings.Cut(auth, " ")
	if strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token), nil
	}
	if user, pass, ok := r.BasicAuth(); ok {
		return basicSecret(user, pass)
	}
	return "", rollcall.Errorf(rollcall.CodeUnauthorized,
		"the Authorization header must be Bearer KEY or Basic with the key as the user name")
}

// basicSecret picks the key out of Basic credentials: the user name, or the
// password when the user name is empty. Two different keys, one in each,
// are refused: which one the client meant is unknown.
func basicSecret(user, pass string) (string, error) {
	if user == "" {
		return pass, nil
	}
	_, userIsKey := rollcall.SecretPrefix(user)
	_, passIsKey := rollcall.SecretPrefix(pass)
	if userIsKey && passIsKey && user != pass {
		return "", errSeveralKeys
	}
	return user, nil
}

// errSeveralKeys refuses a request that presents several keys. It is one
// value, so that presentedSecret can tell it from other faults.
var errSeveralKeys error = &rollcall.Error{
	Code: rollcall.CodeUnauthorized, Details: "send one API key, not several",
}

// keyCache remembers key lookups for a while, so a busy deployment does not
// read the key table on every request. With a zero TTL it always asks the
// store. Only keys that exist are cached; their number is bounded by the
// store.
type keyCache struct {
	store rollcall.KeyStore
	ttl   time.Duration

	mu      sync.Mutex
	entries map[string]cachedKey
}

type cachedKey struct {
	key     rollcall.APIKey
	expires time.Time
}

func newKeyCache(store rollcall.KeyStore, ttl time.Duration) *keyCache {
	return &keyCache{store: store, ttl: ttl, entries: make(map[string]cachedKey)}
}

// lookup returns the key with that prefix, from the cache when fresh.
func (c *keyCache) lookup(ctx context.Context, prefix string) (rollcall.APIKey, error) {
	if c.ttl <= 0 {
		return c.store.KeyByPrefix(ctx, prefix)
	}

	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[prefix]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.key, nil
	}

	key, err := c.store.KeyByPrefix(ctx, prefix)
	if err != nil {
		return rollcall.APIKey{}, fmt.Errorf("read key: %w", err)
	}
	c.mu.Lock()
	c.entries[prefix] = cachedKey{key: key, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return key, nil
}
