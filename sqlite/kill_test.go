package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/sqlite"
)

// killChildEnv names the file the child process writes to; set only when
// TestSurvivesKill starts the test binary as that child.
const killChildEnv = "ROLLCALL_SQLITE_KILL_CHILD_DB"

// TestSurvivesKill runs a writer in a child process, kills it with SIGKILL
// mid-stream, and checks that every identify it reported as returned is in
// the file: a 2xx must survive the process being killed.
func TestSurvivesKill(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}

	acked := readAcks(t, cmd, bufio.NewScanner(out), 50)
	if acked < 50 {
		t.Fatalf("child acknowledged only %d writes", acked)
	}

	s := openFile(t, path, rollcall.DefaultLimits())
	for i := range acked {
		id := fmt.Sprintf("user-%d", i)
		if _, err := s.User(context.Background(), "test", id); err != nil {
			t.Fatalf("acknowledged write %q lost after SIGKILL: %v", id, err)
		}
	}
}

// readAcks reads "ok N" lines, kills the child once it has seen killAfter of
// them, and returns how many writes were acknowledged before the kill took.
func readAcks(t testing.TB, cmd *exec.Cmd, lines *bufio.Scanner, killAfter int) int {
	t.Helper()
	acked := 0
	for lines.Scan() {
		n, ok := strings.CutPrefix(lines.Text(), "ok ")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("child said %q", lines.Text())
		}
		acked = i + 1
		if acked == killAfter {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatalf("kill child: %v", err)
			}
		}
	}
	cmd.Wait()
	return acked
}

// TestKillChild is the child of TestSurvivesKill: it identifies users one
// by one, printing "ok N" after each returns, until it is killed.
func TestKillChild(t *testing.T) {
	path := os.Getenv(killChildEnv)
	if path == "" {
		t.Skip("only runs as the child of TestSurvivesKill")
	}
	s, err := sqlite.Open(path, rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}

	for i := 0; i < 100000; i++ {
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: fmt.Sprintf("user-%d", i)}
		if err := s.Identify(context.Background(), "test", []rollcall.Identify{item}); err != nil {
			t.Fatalf("Identify: %v", err)
		}
		fmt.Fprintf(os.Stdout, "ok %d\n", i)
	}
}
