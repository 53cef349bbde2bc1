package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/rollcall/rollcall"
)

// Error is a non-2xx answer from the server: its HTTP status and the
// contract's error code and details.
type Error struct {
	Status  int
	Code    rollcall.Code
	Details string
	// RetryAfter is the Retry-After header's text, if the answer had one.
	RetryAfter string
}

// Error returns the status, code and details.
func (e *Error) Error() string {
	return fmt.Sprintf("rollcall: %d %s: %s", e.Status, e.Code, e.Details)
}

// IsNotFound reports whether err is a 404 answer from the server.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// readError turns a non-2xx answer into an *Error. An answer that is not
// the contract's JSON (a proxy's page, say) keeps its status and a code
// derived from it.
func readError(resp *http.Response) *Error {
	e := &Error{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}

	var body struct {
		Code    rollcall.Code `json:"code"`
		Details string        `json:"details"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if json.Unmarshal(data, &body) == nil && body.Code != "" {
		e.Code, e.Details = body.Code, body.Details
		return e
	}

	e.Code = codeForStatus(resp.StatusCode)
	e.Details = fmt.Sprintf("the server answered %s without a rollcall error body",
		resp.Status)
	return e
}

func codeForStatus(status int) rollcall.Code {
	switch {
	case status == http.StatusTooManyRequests:
		return rollcall.CodeRateLimit
	case status == http.StatusNotFound:
		return rollcall.CodeNotFound
	case status == http.StatusUnauthorized:
		return rollcall.CodeUnauthorized
	case status == http.StatusForbidden:
		return rollcall.CodeForbidden
	case status == http.StatusRequestEntityTooLarge:
		return rollcall.CodeTooLarge
	case status >= 500:
		return rollcall.CodeInternal
	}
	return rollcall.CodeInvalid
}
