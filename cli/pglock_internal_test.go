package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/postgres"
)

func TestPostgresLockConnection(t *testing.T) {
	t.Parallel()

	t.Run("a bad URL's error quotes no password", func(t *testing.T) {
		t.Parallel()
		// pgx's own redaction misses a password written with spaces around "=".
		url := "host=127.0.0.1 password = s3cret port=bad"
		called := false
		err := withPostgresLock(context.Background(), url, func() error {
			called = true
			return nil
		})
		if err == nil || called {
			t.Fatalf("error %v, fn called %t; want an error before fn", err, called)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error quotes the password: %q", err)
		}
	})

	for _, c := range []struct {
		name, url string
		want      time.Duration
	}{
		{"the store's connect timeout by default", "postgres://root@127.0.0.1:5432/test",
			postgres.DefaultConnectTimeout},
		{"the URL's connect timeout", "postgres://root@127.0.0.1:5432/test?connect_timeout=17",
			17 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := lockConnConfig(c.url)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ConnectTimeout != c.want {
				t.Errorf("connect timeout %s, want %s", cfg.ConnectTimeout, c.want)
			}
		})
	}
}
