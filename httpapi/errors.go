package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/rollcall/rollcall"
)

// status is the one table from error codes to HTTP statuses.
func status(c rollcall.Code) int {
	switch c {
	case rollcall.CodeInvalid:
		return http.StatusBadRequest
	case rollcall.CodeUnauthorized:
		return http.StatusUnauthorized
	case rollcall.CodeForbidden:
		return http.StatusForbidden
	case rollcall.CodeNotFound:
		return http.StatusNotFound
	case rollcall.CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case rollcall.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case rollcall.CodeRateLimit:
		return http.StatusTooManyRequests
	case rollcall.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Code    rollcall.Code `json:"code"`
	Details string        `json:"details"`
}

// writeError answers err. Internal errors are logged here, once, with the
// request id; the client gets only a fixed sentence. batch makes the details
// name a batch's faulty item.
func (a *API) writeError(w http.ResponseWriter, ex *exchange, err error, batch bool) {
	code := rollcall.ErrorCode(err)
	if code == rollcall.CodeInternal {
		a.log.Error("internal error", slog.String("request_id", ex.id),
			slog.String("route", ex.route), slog.String("error", err.Error()))
	}
	writeJSON(w, status(code), errorBody{Code: code, Details: rollcall.ErrorDetails(err, batch)})
}

// writeJSON answers v as JSON. HTML characters are not escaped: property
// values come back exactly as they were sent.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"code":"internal_server_error",` +
			`"details":"the answer could not be encoded"}`)
	}

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
