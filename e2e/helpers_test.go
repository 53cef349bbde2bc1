package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/syncbuf"
)

// startTimeout bounds how long the binary may take to start listening. It
// only turns a hang into a failure; no test measures time.
const startTimeout = 60 * time.Second

// process is one running rollcall binary.
type process struct {
	cmd    *exec.Cmd
	url    string
	stdout *syncbuf.Buffer
	stderr *logWatch
	done   chan struct{}
}

// startRollcall runs rollcall serve on a free port with the SQLite file db,
// waits until it logs that it listens and kills it when the test ends.
func startRollcall(t testing.TB, db string, extra ...string) *process {
	t.Helper()

	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db,
		"--log-format", "json"}, extra...)
	p := &process{
		cmd:    exec.Command(binary, args...),
		stdout: &syncbuf.Buffer{},
		stderr: newLogWatch(),
		done:   make(chan struct{}),
	}
	p.cmd.Stdout = p.stdout
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start rollcall: %v", err)
	}
	go func() {
		_ = p.cmd.Wait() // The exit status is read from ProcessState.
		close(p.done)
	}()
	t.Cleanup(func() { p.kill(t) })

	select {
	case addr := <-p.stderr.listening:
		p.url = "http://" + addr
	case <-p.done:
		t.Fatalf("rollcall exited before listening: %v\n%s", p.cmd.ProcessState, p.stderr)
	case <-time.After(startTimeout):
		t.Fatalf("rollcall did not log that it listens:\n%s", p.stderr)
	}
	return p
}

// awaitStdout waits until the process's standard output matches re and
// returns the submatches. Standard output and standard error are copied by
// separate goroutines, so the "listening" log line on standard error may be
// seen before lines printed earlier on standard output have arrived.
func (p *process) awaitStdout(t testing.TB, re *regexp.Regexp) []string {
	t.Helper()

	deadline := time.Now().Add(startTimeout)
	for {
		if m := re.FindStringSubmatch(p.stdout.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("standard output never matched %s:\n%s", re, p.stdout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signal sends sig and returns the exit code once the process has ended.
func (p *process) signal(t testing.TB, sig syscall.Signal) int {
	t.Helper()

	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("send %v: %v", sig, err)
	}
	return p.wait(t)
}

// wait returns the exit code once the process has ended.
func (p *process) wait(t testing.TB) int {
	t.Helper()

	select {
	case <-p.done:
	case <-time.After(startTimeout):
		t.Fatalf("rollcall did not exit:\n%s", p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// kill ends the process if it still runs.
func (p *process) kill(t testing.TB) {
	select {
	case <-p.done:
	default:
		p.signal(t, syscall.SIGKILL)
	}
}

// createKey runs the real keys create command and returns the key it
// printed on its last line.
func createKey(t testing.TB, db, env, kind string) string {
	t.Helper()

	out, err := exec.Command(binary, "keys", "create", "--db", db, "--env", env,
		"--kind", kind).Output()
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

func tempDB(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "rollcall.db")
}

// call makes one API request with key and returns the status and body.
func call(t testing.TB, method, url, key, body string) (int, []byte) {
	t.Helper()

	status, b, err := send(http.DefaultClient, method, url, key, body)
	if err != nil {
		t.Fatal(err)
	}
	return status, b
}

// send makes one API request with key through c. Unlike call it does not
// end the test, so goroutines other than the test's may use it.
func send(c *http.Client, method, url, key, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("new request: %w", err)
	}
	req.Header.Set("x-api-key", key)
	req.Header.Set("content-type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()

	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("read %s %s: %w", method, url, err)
	}
	return resp.StatusCode, b, nil
}

// mustCall makes one request and fails the test unless it answers want.
func mustCall(t testing.TB, want int, method, url, key, body string) []byte {
	t.Helper()

	got, b := call(t, method, url, key, body)
	if got != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, url, got, want, b)
	}
	return b
}

// decode unmarshals b into a generic value, failing the test on bad JSON.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()

	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// logWatch keeps the JSON log lines of the process and reports the address
// of the first "listening" line.
type logWatch struct {
	syncbuf.Buffer
	partial   []byte
	listening chan string
}

func newLogWatch() *logWatch {
	return &logWatch{listening: make(chan string, 1)}
}

func (w *logWatch) Write(p []byte) (int, error) {
	w.Buffer.Write(p)

	// Only the process's copying goroutine writes, so partial needs no lock.
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.line(w.partial[:i])
		w.partial = w.partial[i+1:]
	}
}

func (w *logWatch) line(b []byte) {
	var entry struct {
		Msg  string `json:"msg"`
		Addr string `json:"addr"`
	}
	if json.Unmarshal(b, &entry) != nil || entry.Msg != "listening" {
		return
	}
	select {
	case w.listening <- entry.Addr:
	default:
	}
}
