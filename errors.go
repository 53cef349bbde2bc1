package rollcall

import (
	"errors"
	"fmt"
)

// Code classifies an error for API clients. Each code maps to one HTTP
// status in the httpapi package's table.
type Code string

// The error codes of the wire contract.
const (
	CodeInvalid          Code = "invalid_request_error"
	CodeUnauthorized     Code = "unauthorized_error"
	CodeForbidden        Code = "forbidden_error"
	CodeNotFound         Code = "not_found_error"
	CodeMethodNotAllowed Code = "method_not_allowed_error"
	CodeTooLarge         Code = "payload_too_large_error"
	CodeRateLimit        Code = "rate_limit_error"
	CodeUnavailable      Code = "unavailable_error"
	CodeInternal         Code = "internal_server_error"
)

// internalDetails is all a client learns of an unexpected error.
const internalDetails = "Something went wrong on the server; " +
	"try the request again, and report it if it persists."

// Error is an error a client may see: a code and one sentence that tells a
// person what to change.
type Error struct {
	Code    Code
	Details string
}

// Error returns the details, prefixed with the code.
func (e *Error) Error() string {
	return string(e.Code) + ": " + e.Details
}

// Errorf returns an *Error with the given code and formatted details.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Details: fmt.Sprintf(format, args...)}
}

// ItemError reports which item of a batch was rejected. Index is zero-based.
type ItemError struct {
	Index int
	Err   error
}

// Error names the item and its fault.
func (e *ItemError) Error() string {
	return fmt.Sprintf("item %d: %v", e.Index, e.Err)
}

// Unwrap returns the item's own error.
func (e *ItemError) Unwrap() error {
	return e.Err
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorDetails returns the sentence a client may see for err. Internal
// errors yield a fixed sentence that leaks nothing. When err holds an
// ItemError and batch is true, the details name the item.
func ErrorDetails(err error, batch bool) string {
	var e *Error
	if !errors.As(err, &e) || e.Code == CodeInternal {
		return internalDetails
	}

	var item *ItemError
	if batch && errors.As(err, &item) {
		return fmt.Sprintf("item %d: %s", item.Index, e.Details)
	}
	return e.Details
}
