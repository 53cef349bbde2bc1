package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/rollcall/rollcall"
)

type countBody struct {
	Count int `json:"count"`
}

// identify returns the handler of an identify endpoint: decodeFor picks
// the decoder of a request's body. batch endpoints get the larger body
// limit.
func (a *API) identify(decodeFor func(*http.Request) decoder, batch bool) handler {
	return func(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
		items, err := a.decodeBody(w, r, decodeFor(r), batch)
		if err != nil {
			return err
		}
		return a.write(w, r, key, items, len(items))
	}
}

// always picks decode for every request.
func always(decode decoder) func(*http.Request) decoder {
	return func(*http.Request) decoder { return decode }
}

// propertiesOfPath picks the decoder of the older POST
// /identify/{identifier}, whose body is the properties object and whose
// path names the user.
func propertiesOfPath(r *http.Request) decoder {
	return decodeProperties(r.PathValue("identifier"))
}

// identifySegment handles one Segment event, which counts as one item
// whether it upserts a group, a group and a membership, or nothing.
func (a *API) identifySegment(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	data, err := a.readBody(w, r, false)
	if err != nil {
		return err
	}

	body, err := rollcall.DecodeJSON(data)
	if err != nil {
		// An event Segment only needs acknowledged is acknowledged even when
		// a field it does not use holds text that strict decoding refuses;
		// otherwise Segment would retry it for ever.
		if segmentIgnored(data) {
			return a.write(w, r, key, nil, 0)
		}
		return err
	}
	items, err := decodeSegment(body, a.limits)
	if err != nil {
		return err
	}
	return a.write(w, r, key, items, min(len(items), 1))
}

// decodeBody reads the request body within the endpoint's size limit and
// decodes it.
func (a *API) decodeBody(
	w http.ResponseWriter, r *http.Request, decode decoder, batch bool,
) ([]rollcall.Identify, error) {
	data, err := a.readBody(w, r, batch)
	if err != nil {
		return nil, err
	}

	body, err := rollcall.DecodeJSON(data)
	if err != nil {
		return nil, err
	}
	return decode(body, a.limits)
}

// readBody reads the request body within the endpoint's size limit. batch
// endpoints get the larger limit.
func (a *API) readBody(w http.ResponseWriter, r *http.Request, batch bool) ([]byte, error) {
	limit := a.limits.MaxBodyBytes
	if batch {
		limit = a.limits.MaxBatchBodyBytes
	}

	// A declared length over the limit is refused before the body is
	// touched, so a client that asked to Expect 100-continue is not invited
	// to send it.
	if r.ContentLength > limit {
		return nil, errTooLarge(limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errTooLarge(limit)
	}
	if isTimeout(err) {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"the body was not received in time; send it again")
	}
	if err != nil {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"the body could not be read completely; send the request again")
	}
	return data, nil
}

// isTimeout reports whether err is a read that the server's read deadline
// ended: the client sent its body too slowly.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}

func errTooLarge(limit int64) error {
	return rollcall.Errorf(rollcall.CodeTooLarge,
		"the body is larger than %d bytes, the limit of this endpoint; send a smaller body", limit)
}

// write stores items in one transaction, within the request timeout, and
// answers the count.
func (a *API) write(
	w http.ResponseWriter, r *http.Request, key rollcall.APIKey, items []rollcall.Identify, count int,
) error {
	if len(items) > 0 {
		r, cancel := a.bounded(r)
		defer cancel()
		if err := a.store.Identify(r.Context(), key.Environment, items); err != nil {
			return fmt.Errorf("identify: %w", err)
		}
	}

	a.metrics.items.Add(float64(count))
	writeJSON(w, http.StatusOK, countBody{Count: count})
	return nil
}
