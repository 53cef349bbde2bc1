// Package e2e_test runs the real rollcall binary as a user would: built with
// go build, started with serve, keys made with keys create, and driven over
// HTTP by Go and by the published Dopt users clients under Node.
package e2e_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binary is the path of the rollcall binary that TestMain builds once for
// every test; nothing changes it afterwards.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "rollcall-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: make temp dir: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	binary = filepath.Join(dir, "rollcall")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=e2e-build",
		"-o", binary, "./cmd/rollcall")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/rollcall: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}
