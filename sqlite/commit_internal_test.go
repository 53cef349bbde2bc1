package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

// TestWritePanicFailsAlone makes one write panic, alone and inside a group
// with another: the panic comes back as that write's error, the other write
// commits, and the committer, which every write goes through, keeps going.
func TestWritePanicFailsAlone(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "rollcall.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	boom := func(context.Context, *writeTx) error { panic("boom") }

	if err := s.commits.write(ctx, boom); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a lone write that panics returned %v, want its panic as an error", err)
	}

	group := []*writeRequest{
		{ctx: ctx, fn: boom, done: make(chan error, 1)},
		{ctx: ctx, fn: func(ctx context.Context, tx *writeTx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO users
				(env, identifier, properties, created_at, updated_at)
				VALUES ('test', 'kept', '{}', 0, 0)`)
			return err
		}, done: make(chan error, 1)},
	}
	s.commits.commit(group)
	if err := <-group[0].done; err == nil {
		t.Errorf("the panicking write of a group succeeded")
	}
	if err := <-group[1].done; err != nil {
		t.Errorf("the good write of a group failed: %v", err)
	}
	if _, err := s.User(ctx, "test", "kept"); err != nil {
		t.Errorf("the good write of a group is not stored: %v", err)
	}
}
