package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/cli"
)

// result is what one command run printed and returned.
type result struct {
	code   int
	stdout string
	stderr string
}

// run runs the rollcall command line args in-process with the environment
// variables vars and nothing else.
func run(t testing.TB, vars map[string]string, args ...string) result {
	t.Helper()

	var stdout, stderr bytes.Buffer
	env := cli.Env{
		Stdout:  &stdout,
		Stderr:  &stderr,
		Getenv:  func(name string) string { return vars[name] },
		Version: "1.2.3-test",
	}
	code := cli.Main(context.Background(), args, env)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustRun runs args and fails the test unless they succeed.
func mustRun(t testing.TB, args ...string) result {
	t.Helper()

	r := run(t, nil, args...)
	if r.code != cli.ExitOK {
		t.Fatalf("rollcall %s: exit %d\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// tempDB returns the path of a SQLite file in a fresh temporary folder.
func tempDB(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "rollcall.db")
}

// startServer boots the whole serve command on port 0 with the SQLite file
// db, and stops it when the test ends. It returns the server and what the
// server printed on standard output while opening.
func startServer(t testing.TB, db string) (*cli.Server, string) {
	t.Helper()
	return startServerArgs(t, "--addr", "127.0.0.1:0", "--db", db)
}

// startServerArgs is startServer with the serve command's flags.
func startServerArgs(t testing.TB, args ...string) (*cli.Server, string) {
	t.Helper()

	cfg, err := cli.ParseServeConfig(args, cli.Env{})
	if err != nil {
		t.Fatalf("parse serve config: %v", err)
	}
	var out bytes.Buffer
	srv := runServer(t, cfg, &out, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return srv, out.String()
}

// runServer opens a server with cfg, printing to out and logging to log,
// runs it, and stops and closes it when the test ends.
func runServer(t testing.TB, cfg cli.ServeConfig, out io.Writer, log *slog.Logger) *cli.Server {
	t.Helper()

	srv := cli.NewServer(cfg, out, log)
	if err := srv.Open(context.Background()); err != nil {
		t.Fatalf("open server: %v", errors.Join(err, srv.Close()))
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run server: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return srv
}

var exportLine = regexp.MustCompile(`export (SERVER|BROWSER)_KEY=(\S+)`)

// bootstrapKeys reads the server and browser keys from the first-start
// output of serve.
func bootstrapKeys(t testing.TB, out string) (server, browser string) {
	t.Helper()

	for _, m := range exportLine.FindAllStringSubmatch(out, -1) {
		if m[1] == "SERVER" {
			server = m[2]
		} else {
			browser = m[2]
		}
	}
	if server == "" || browser == "" {
		t.Fatalf("serve printed no SERVER_KEY and BROWSER_KEY lines:\n%s", out)
	}
	return server, browser
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// call makes one API request and returns the status and body.
func call(t testing.TB, method, url, key, body string) (int, string) {
	t.Helper()

	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("x-api-key", key)
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()

	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", method, url, err)
	}
	return resp.StatusCode, string(b)
}

// wantStatus makes one request and fails the test on another status.
func wantStatus(t testing.TB, want int, method, url, key, body string) string {
	t.Helper()

	got, resp := call(t, method, url, key, body)
	if got != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, url, got, want, resp)
	}
	return resp
}
