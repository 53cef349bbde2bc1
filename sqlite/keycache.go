package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rollcall/rollcall"
)

// keysStampSuffix names the file beside the database that marks changes to
// the key table: every store that creates or revokes a key appends a byte
// to it, and every store checks its size and time with one stat before it
// trusts a cached key. A stat costs a small fraction of a key read through
// SQLite (see BenchmarkKeyCheck), and appending makes the size grow with
// every change, so no change goes unseen however coarse file times are.
const keysStampSuffix = "-keys"

// keyCacheMaxAge bounds how long a cached key is trusted even when the
// stamp did not move, in case a process died between a revoke's commit
// and its stamp.
const keyCacheMaxAge = 5 * time.Second

// stamp is what a stat of the stamp file says.
type stamp struct {
	size  int64
	mtime int64 // Unix nanoseconds
}

// keyCache remembers keys read from the database while the stamp file
// stays as it was when they were read. A revoke, in this process or any
// other, moves the stamp before and after its commit, so the next request
// reads the key again and sees the revocation at once.
type keyCache struct {
	path string

	mu      sync.Mutex
	entries map[string]cachedKey
}

type cachedKey struct {
	key   rollcall.APIKey
	stamp stamp
	read  time.Time
}

// newKeyCache creates the stamp file for the database at dbPath if there
// is none.
func newKeyCache(dbPath string) (*keyCache, error) {
	// Every process must find the same stamp however it names the file:
	// through a symbolic link, the stamp would otherwise sit beside the
	// link, and a revocation made through it would reach no server.
	if real, err := filepath.EvalSymlinks(dbPath); err == nil {
		dbPath = real
	}
	c := &keyCache{path: dbPath + keysStampSuffix, entries: map[string]cachedKey{}}
	f, err := os.OpenFile(c.path, os.O_CREATE|os.O_RDONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create key stamp: %w", err)
	}
	return c, f.Close()
}

// current stats the stamp file.
func (c *keyCache) current() (stamp, error) {
	fi, err := os.Stat(c.path)
	if err != nil {
		return stamp{}, fmt.Errorf("stat key stamp: %w", err)
	}
	return stamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}

// lookup returns the key from the cache when the stamp has not moved since
// it was read, and else reads it with load and caches it.
func (c *keyCache) lookup(
	ctx context.Context, prefix string,
	load func(context.Context, string) (rollcall.APIKey, error),
) (rollcall.APIKey, error) {
	st, err := c.current()
	if err != nil {
		// Without a stamp nothing can be trusted; read every time.
		return load(ctx, prefix)
	}

	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[prefix]
	c.mu.Unlock()
	if ok && e.stamp == st && now.Sub(e.read) < keyCacheMaxAge {
		return e.key, nil
	}

	// The stamp was taken before the read, so a change that lands in
	// between moves it past st and the next lookup reads again.
	key, err := load(ctx, prefix)
	if err != nil {
		return key, err
	}
	c.mu.Lock()
	c.entries[prefix] = cachedKey{key: key, stamp: st, read: now}
	c.mu.Unlock()
	return key, nil
}

// touch moves the stamp, telling every store on this file that the key
// table may have changed.
func (c *keyCache) touch() error {
	f, err := os.OpenFile(c.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("move key stamp: %w", err)
	}
	_, err = f.Write([]byte{'\n'})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("move key stamp: %w", err)
	}
	return nil
}
