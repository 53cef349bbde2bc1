// Package client is a Go client for rollcall's HTTP API: the identify
// endpoints, the read and admin endpoints, and a Batcher that groups
// identifies into batch requests.
//
// Property values travel as rollcall.Properties, whose values are raw JSON,
// so numbers keep their exact text and are never rounded through float64.
// Failed requests return a *Error carrying the contract's code and details.
// Requests that meet a 429, a 5xx or a network error are retried with
// exponential backoff and jitter, honouring Retry-After.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rollcall/rollcall"
)

// Client calls one rollcall server with one API key. It is safe for
// concurrent use.
type Client struct {
	base        string
	key         string
	http        *http.Client
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration
}

// Option changes a Client made by New.
type Option func(*Client)

// WithHTTPClient makes the Client send its requests through hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.http = hc }
}

// WithRetries sets how many attempts a request gets in all; 1 turns retries
// off. The default is 5.
func WithRetries(attempts int) Option {
	return func(c *Client) { c.maxAttempts = max(attempts, 1) }
}

// WithBackoff sets the first retry's delay and the most any retry waits
// (Retry-After excepted). The defaults are 100ms and 10s.
func WithBackoff(first, most time.Duration) Option {
	return func(c *Client) {
		c.minBackoff = first
		c.maxBackoff = max(most, first)
	}
}

// New returns a Client for the server at baseURL (for example
// "http://127.0.0.1:8080") that authenticates with key.
func New(baseURL, key string, opts ...Option) *Client {
	c := &Client{
		base:        strings.TrimSuffix(baseURL, "/"),
		key:         key,
		http:        &http.Client{Timeout: time.Minute},
		maxAttempts: 5,
		minBackoff:  100 * time.Millisecond,
		maxBackoff:  10 * time.Second,
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// UserIdentify is the body of an identify: a user, the properties to merge
// into it, and the groups to upsert and make it a member of.
type UserIdentify struct {
	Identifier string              `json:"identifier"`
	Properties rollcall.Properties `json:"properties,omitempty"`
	Groups     []GroupIdentify     `json:"groups,omitempty"`
}

// GroupIdentify is the body of a group identify: a group and the properties
// to merge into it.
type GroupIdentify struct {
	Identifier string              `json:"identifier"`
	Properties rollcall.Properties `json:"properties,omitempty"`
}

type countAnswer struct {
	Count int `json:"count"`
}

// Identify upserts one user, merging its properties.
func (c *Client) Identify(ctx context.Context, u UserIdentify) error {
	return c.do(ctx, http.MethodPost, "/identify", u, nil)
}

// IdentifyBatch upserts up to rollcall.MaxBatchItems users in one request,
// in order, and returns how many the server wrote. One bad item rejects the
// whole batch with a 400 whose details name the item's zero-based index.
func (c *Client) IdentifyBatch(ctx context.Context, users []UserIdentify) (int, error) {
	if users == nil {
		users = []UserIdentify{}
	}

	var answer countAnswer
	if err := c.do(ctx, http.MethodPost, "/identify/batch", users, &answer); err != nil {
		return 0, err
	}
	return answer.Count, nil
}

// IdentifyGroup upserts one group, merging its properties.
func (c *Client) IdentifyGroup(ctx context.Context, g GroupIdentify) error {
	return c.do(ctx, http.MethodPost, "/identify/group", g, nil)
}

// Segment forwards one Segment webhook event, anything that encodes to the
// event's JSON object, and returns how many upserts it caused (0 or 1).
func (c *Client) Segment(ctx context.Context, event any) (int, error) {
	var answer countAnswer
	if err := c.do(ctx, http.MethodPost, "/identify/segment", event, &answer); err != nil {
		return 0, err
	}
	return answer.Count, nil
}

// do sends one JSON request, retrying as the Client is set to, and decodes
// a 2xx answer into out when out is not nil.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := encodeJSON(in)
		if err != nil {
			return err
		}
		body = b
	}

	resp, err := c.send(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s %s answer: %w", method, path, err)
	}
	return nil
}

// encodeJSON encodes v without HTML escaping, so values travel as written.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode request body: %w", err)
	}
	return buf.Bytes(), nil
}

// newRequest builds one attempt's request; the body is re-read each time.
func (c *Client) newRequest(ctx context.Context, method, path string,
	body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}

	req.Header.Set("x-api-key", c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// escape percent-encodes an identifier as one path segment, so "a/b" and
// "a b" name the user they say.
func escape(identifier string) string {
	return url.PathEscape(identifier)
}
