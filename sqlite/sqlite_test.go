package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/sqlite"
	"github.com/rollcall/rollcall/storetest"
)

// openStore opens a store on a new file in t's temporary directory and
// closes it when t ends.
func openStore(t testing.TB, limits rollcall.Limits) rollcall.Store {
	t.Helper()
	return openFile(t, filepath.Join(t.TempDir(), "rollcall.db"), limits)
}

// openFile opens a store on path and closes it when t ends.
func openFile(t testing.TB, path string, limits rollcall.Limits) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path, limits)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, openStore)
}
