package httpapi

import (
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/rollcall/rollcall"
)

// maxEchoBytes bounds how much of an identifier an error's details repeat:
// enough to recognise it, not enough to bloat a log or an answer.
const maxEchoBytes = 100

// quoteID quotes id for an error's details, cut to maxEchoBytes at a
// character boundary and marked with an ellipsis when it was cut.
func quoteID(id string) string {
	if len(id) <= maxEchoBytes {
		return fmt.Sprintf("%q", id)
	}
	cut := maxEchoBytes
	for cut > 0 && !utf8.RuneStart(id[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", id[:cut])
}

// pathIdentifier reads the path value name of r and checks it like an
// identifier sent in a body; what names it in the error ("user", "group").
func pathIdentifier(r *http.Request, name, what string) (string, error) {
	id := r.PathValue(name)
	if err := rollcall.ValidateIdentifier(id); err != nil {
		return "", prefixed(err, "the %s in the path: ", what)
	}
	return id, nil
}

// notFound turns the store's CodeNotFound for the user or group id into
// details that quote at most maxEchoBytes of id. Other errors are wrapped
// with context.
func notFound(err error, what, id, context string) error {
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return rollcall.Errorf(rollcall.CodeNotFound,
			"no %s %s in this environment", what, quoteID(id))
	}
	return fmt.Errorf("%s: %w", context, err)
}
