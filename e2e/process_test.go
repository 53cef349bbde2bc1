package e2e_test

import (
	"bufio"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

func TestFirstStartPrintsWorkingKeys(t *testing.T) {
	t.Parallel()
	p := startRollcall(t, tempDB(t))

	m := p.awaitStdout(t, regexp.MustCompile(`export SERVER_KEY=(\S+)`))
	mustCall(t, 200, "POST", p.url+"/identify", m[1], `{"identifier": "first"}`)
	mustCall(t, 200, "GET", p.url+"/users/first", m[1], "")
}

func TestKillAfterWriteKeepsTheWrite(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	key := createKey(t, db, "production", "server")
	p := startRollcall(t, db)

	body := `{"identifier": "durable", "properties": {"n": 12345678901234567890}}`
	mustCall(t, 200, "POST", p.url+"/identify", key, body)
	p.signal(t, syscall.SIGKILL)

	p = startRollcall(t, db)
	got := string(mustCall(t, 200, "GET", p.url+"/users/durable", key, ""))
	if !strings.Contains(got, "12345678901234567890") {
		t.Errorf("after SIGKILL and restart the user is %s", got)
	}
}

func TestSIGTERM(t *testing.T) {
	t.Parallel()

	t.Run("exits 0", func(t *testing.T) {
		t.Parallel()
		p := startRollcall(t, tempDB(t))
		mustCall(t, 200, "GET", p.url+"/healthz", "", "")
		if code := p.signal(t, syscall.SIGTERM); code != 0 {
			t.Errorf("exit code %d after SIGTERM, want 0:\n%s", code, p.stderr)
		}
	})

	t.Run("drains a request in flight", func(t *testing.T) {
		t.Parallel()
		db := tempDB(t)
		key := createKey(t, db, "production", "server")
		p := startRollcall(t, db)

		status := termDuringRequest(t, p, key, `{"identifier": "drained"}`)
		if !strings.HasPrefix(status, "HTTP/1.1 200") {
			t.Errorf("request in flight during SIGTERM answered %q, want 200", status)
		}
		if code := p.wait(t); code != 0 {
			t.Errorf("exit code %d after SIGTERM, want 0:\n%s", code, p.stderr)
		}

		p = startRollcall(t, db)
		mustCall(t, 200, "GET", p.url+"/users/drained", key, "")
	})
}

// termDuringRequest sends a POST /identify whose body is held back until
// the server's handler asks for it (Expect: 100-continue), sends SIGTERM
// while the handler waits, then sends the body and returns the status line.
func termDuringRequest(t testing.TB, p *process, key, body string) string {
	t.Helper()

	u, err := url.Parse(p.url)
	if err != nil {
		t.Fatalf("parse %s: %v", p.url, err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()

	fmt.Fprintf(conn, "POST /identify HTTP/1.1\r\nHost: %s\r\nx-api-key: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n"+
		"Expect: 100-continue\r\n\r\n", u.Host, key, len(body))
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.Contains(line, "100") {
		t.Fatalf("want 100 Continue once the handler reads the body, got %q, %v", line, err)
	}
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatalf("read end of 100 Continue: %v", err)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("send SIGTERM: %v", err)
	}
	if _, err := conn.Write([]byte(body)); err != nil {
		t.Fatalf("write body: %v", err)
	}
	status, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read status: %v", err)
	}
	return strings.TrimSpace(status)
}

func TestBinaryCommands(t *testing.T) {
	t.Parallel()

	t.Run("version comes from ldflags", func(t *testing.T) {
		out, err := exec.Command(binary, "version").Output()
		if err != nil || !strings.Contains(string(out), "e2e-build") {
			t.Errorf("rollcall version: %q, %v", out, err)
		}
	})

	t.Run("usage error exits 2", func(t *testing.T) {
		err := exec.Command(binary, "keys", "create", "--kind", "root").Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("rollcall keys create --kind root: %v, want exit status 2", err)
		}
	})

	t.Run("a failure exits 1", func(t *testing.T) {
		db := tempDB(t)
		err := exec.Command(binary, "keys", "revoke", "--db", db, "rcs_nothere0").Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("rollcall keys revoke of an unknown key: %v, want exit status 1", err)
		}
	})
}
