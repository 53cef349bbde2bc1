package httpapi

import (
	"fmt"
	"net/http"

	"github.com/rollcall/rollcall"
)

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
// details that quote at most 100 bytes of id. Other errors are wrapped
// with context.
func notFound(err error, what, id, context string) error {
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return rollcall.Errorf(rollcall.CodeNotFound,
			"no %s %s in this environment", what, rollcall.QuoteID(id))
	}
	return fmt.Errorf("%s: %w", context, err)
}
