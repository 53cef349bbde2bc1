package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// send makes up to maxAttempts attempts of one request and returns the
// first 2xx answer, whose body the caller closes. It retries a 429, a 5xx
// and a network error, never another 4xx, and stops when ctx is done.
func (c *Client) send(ctx context.Context, method, path string,
	body []byte) (*http.Response, error) {
	var last error
	for attempt := 1; ; attempt++ {
		resp, err := c.attempt(ctx, method, path, body)
		if err == nil {
			return resp, nil
		}
		last = err

		wait, retry := c.retryDelay(attempt, err)
		if !retry || attempt >= c.maxAttempts {
			return nil, last
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%w (last attempt: %w)", err, last)
		}
	}
}

// attempt sends the request once. A non-2xx answer becomes an *Error.
func (c *Client) attempt(ctx context.Context, method, path string,
	body []byte) (*http.Response, error) {
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}

	defer resp.Body.Close()
	return nil, readError(resp)
}

// retryDelay says whether an attempt that failed with err is worth
// repeating and how long to wait first.
func (c *Client) retryDelay(attempt int, err error) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) {
		// A network error; a cancelled ctx shows up in sleep.
		return c.backoff(attempt), true
	}
	if e.Status != http.StatusTooManyRequests && e.Status < 500 {
		return 0, false
	}
	if d, ok := parseRetryAfter(e.RetryAfter, time.Now()); ok {
		return d, true
	}
	return c.backoff(attempt), true
}

// backoff doubles the delay with each attempt up to maxBackoff and picks a
// random point in its upper half, so clients that failed together do not
// retry together.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.minBackoff
	for i := 1; i < attempt && d < c.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.maxBackoff)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to retry: %w", ctx.Err())
	}
}
