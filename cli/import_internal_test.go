package cli

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/rollcall/rollcall"
)

// TestErrorsKeepTheirCause checks that the errors written for a user in
// their own words still wrap the error that caused them.
func TestErrorsKeepTheirCause(t *testing.T) {
	t.Parallel()

	t.Run("import of a missing file", func(t *testing.T) {
		t.Parallel()
		missing := filepath.Join(t.TempDir(), "missing.csv")
		err := checkImportFiles([]string{missing}, "")
		want := "cannot import " + missing + ": there is no such file"
		if err == nil || err.Error() != want {
			t.Fatalf("error %v, want %q", err, want)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %q does not wrap fs.ErrNotExist", err)
		}
	})

	t.Run("revoke of an unknown prefix", func(t *testing.T) {
		t.Parallel()
		db := filepath.Join(t.TempDir(), "r.db")
		env := Env{Stdout: io.Discard, Stderr: io.Discard}
		err := runKeysRevoke(context.Background(), env, []string{"--db", db, "rc_nosuch"})
		want := `no key has the prefix "rc_nosuch"; 'rollcall keys list' shows them`
		if err == nil || err.Error() != want {
			t.Fatalf("error %v, want %q", err, want)
		}
		if code := rollcall.ErrorCode(err); code != rollcall.CodeNotFound {
			t.Errorf("error code %s, want %s", code, rollcall.CodeNotFound)
		}
	})
}
