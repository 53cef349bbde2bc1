package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/httpapi"
)

// trickle sends a POST of body to the server at addr over a raw connection,
// a few bytes at a time with pause between them, and returns the answer's
// status and body.
func trickle(t testing.TB, addr, path, key, body string, pause time.Duration) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()

	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: rollcall\r\nx-api-key: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, key, len(body))
	for chunk := range pieces(body, 8) {
		time.Sleep(pause)
		if _, err := io.WriteString(conn, chunk); err != nil {
			break // the server answered early and closed; read its answer
		}
	}

	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read the answer's body: %v", err)
	}
	return res.StatusCode, string(data)
}

// pieces yields s in pieces of n bytes.
func pieces(s string, n int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

func TestSlowUploads(t *testing.T) {
	t.Parallel()
	body := `{"identifier":"slow","properties":{"plan":"pro","seats":12}}`

	t.Run("the request timeout does not count the upload", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, func(c *httpapi.Config) { c.RequestTimeout = 100 * time.Millisecond })
		srv := httptest.NewServer(f.api)
		t.Cleanup(srv.Close)

		// Eight pauses of 50 ms take several request timeouts.
		status, answer := trickle(t, srv.Listener.Addr().String(), "/identify", f.server, body,
			50*time.Millisecond)
		if status != http.StatusOK || answer != "{\"count\":1}\n" {
			t.Fatalf("answer = %d %s, want 200 {\"count\":1}", status, answer)
		}
		if strings.Contains(f.logs.String(), `"level":"ERROR"`) {
			t.Errorf("a slow client was logged as an error:\n%s", f.logs)
		}
	})

	t.Run("a body slower than the read timeout is a 400", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		srv := httptest.NewUnstartedServer(f.api)
		srv.Config.ReadTimeout = 200 * time.Millisecond
		srv.Start()
		t.Cleanup(srv.Close)

		status, answer := trickle(t, srv.Listener.Addr().String(), "/identify", f.server, body,
			100*time.Millisecond)
		if status != http.StatusBadRequest ||
			!strings.Contains(answer, "the body was not received in time; send it again") ||
			!strings.Contains(answer, "invalid_request_error") {
			t.Fatalf("answer = %d %s, want 400 and the body was not received in time", status, answer)
		}
		if strings.Contains(f.logs.String(), `"level":"ERROR"`) {
			t.Errorf("a slow client was logged as an error:\n%s", f.logs)
		}
	})
}
