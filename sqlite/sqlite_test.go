package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
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

func identifyUser(t testing.TB, s rollcall.Store, id, js string, groups ...string) {
	t.Helper()
	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id, Properties: storetest.Props(t, js)}
	for _, g := range groups {
		item.Groups = append(item.Groups, rollcall.GroupIdentify{Identifier: g})
	}
	if err := s.Identify(context.Background(), "test", []rollcall.Identify{item}); err != nil {
		t.Fatalf("Identify(%q): %v", id, err)
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	first, err := sqlite.Open(path, rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	identifyUser(t, first, "u1", `{"big":12345678901234567890,"n":null}`, "g1")
	_, key, err := rollcall.NewKey("test", rollcall.KeyServer, nil)
	if err != nil {
		t.Fatalf("NewKey: %v", err)
	}
	if err := first.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := openFile(t, path, rollcall.DefaultLimits())
	u, err := second.User(context.Background(), "test", "u1")
	if err != nil {
		t.Fatalf("User after reopening: %v", err)
	}
	big, null := string(u.Properties["big"]), string(u.Properties["n"])
	if big != "12345678901234567890" || null != "null" {
		t.Fatalf("properties after reopening: %s, %s", u.Properties["big"], u.Properties["n"])
	}
	if len(u.Groups) != 1 || u.Groups[0] != "g1" {
		t.Fatalf("groups after reopening: %q", u.Groups)
	}
	if _, err := second.KeyByPrefix(context.Background(), key.Prefix); err != nil {
		t.Fatalf("KeyByPrefix after reopening: %v", err)
	}
}

// TestTwoHandles opens the same file twice, as the server and the keys
// command would from two processes, and writes through both at once.
func TestTwoHandles(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	server := openFile(t, path, rollcall.DefaultLimits())
	other := openFile(t, path, rollcall.DefaultLimits())

	const writes = 15
	var wg sync.WaitGroup
	for i := range writes {
		wg.Go(func() { identifyUser(t, server, "u1", fmt.Sprintf(`{"server%d":%d}`, i, i)) })
		wg.Go(func() { identifyUser(t, other, "u1", fmt.Sprintf(`{"other%d":%d}`, i, i)) })
	}
	wg.Wait()

	for _, s := range []*sqlite.Store{server, other} {
		u, err := s.User(context.Background(), "test", "u1")
		if err != nil {
			t.Fatalf("User: %v", err)
		}
		if len(u.Properties) != 2*writes {
			t.Fatalf("after writes through two handles: %d properties, want %d",
				len(u.Properties), 2*writes)
		}
	}
}

func TestRevokeSeenByOtherHandle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "rollcall.db")
	server := openFile(t, path, rollcall.DefaultLimits())
	// The other handle names the file through a symbolic link, as a
	// command run from another folder may.
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	cli := openFile(t, link, rollcall.DefaultLimits())

	_, key, err := rollcall.NewKey("production", rollcall.KeyServer, nil)
	if err != nil {
		t.Fatalf("NewKey: %v", err)
	}
	if err := cli.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	got, err := server.KeyByPrefix(context.Background(), key.Prefix)
	if err != nil || got.Revoked() {
		t.Fatalf("server sees the new key: %v, revoked %v", err, got.Revoked())
	}

	if err := cli.RevokeKey(context.Background(), key.Prefix); err != nil {
		t.Fatalf("RevokeKey: %v", err)
	}
	got, err = server.KeyByPrefix(context.Background(), key.Prefix)
	if err != nil {
		t.Fatalf("KeyByPrefix: %v", err)
	}
	if !got.Revoked() {
		t.Fatalf("server still sees the key active after another handle revoked it")
	}
}

func TestSchemaVersion(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s := openFile(t, path, rollcall.DefaultLimits())
	identifyUser(t, s, "u1", `{}`)

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open raw: %v", err)
	}
	defer db.Close()
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatalf("read user_version: %v", err)
	}
	if version < 1 {
		t.Fatalf("user_version is %d after Open; want the schema version", version)
	}

	t.Run("NewerIsRefused", func(t *testing.T) {
		if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
			t.Fatalf("set user_version: %v", err)
		}
		if s2, err := sqlite.Open(path, rollcall.DefaultLimits()); err == nil {
			s2.Close()
			t.Fatalf("Open of a file with a newer schema: no error")
		}
	})
}

func TestCloseTwice(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "rollcall.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	// A second Close must not panic; what it returns is not specified.
	_ = s.Close()
}
