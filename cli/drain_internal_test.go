package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

// TestDrainDeadlineClosesConnections stops a server whose drain deadline
// has already passed while a request waits for its body: Run must close the
// connection and say why, rather than wait for the request.
func TestDrainDeadlineClosesConnections(t *testing.T) {
	t.Parallel()
	cfg, err := ParseServeConfig([]string{"--addr", "127.0.0.1:0",
		"--db", filepath.Join(t.TempDir(), "r.db")}, Env{})
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(cfg, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if want := cfg.RequestTimeout + drainMargin; srv.drain != want {
		t.Errorf("drain = %s, want the request timeout and %s", srv.drain, drainMargin)
	}
	srv.drain = 0
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	secret, key, err := rollcall.NewKey("default", rollcall.KeyServer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Store().CreateKey(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	conn := requestInFlight(t, srv.Addr(), secret)
	defer conn.Close()

	cancel()
	err = <-done
	if err == nil || !strings.Contains(err.Error(), "their connections were closed") {
		t.Errorf("Run = %v, want it to report closed connections", err)
	}
	if _, err := io.ReadAll(conn); err != nil && !strings.Contains(err.Error(), "reset") {
		t.Errorf("the connection was not closed cleanly: %v", err)
	}
}

func TestWriteTimeoutOutlastsASlowUploadAndTheStore(t *testing.T) {
	t.Parallel()
	for _, rt := range []time.Duration{2 * time.Second, 30 * time.Second, 5 * time.Minute} {
		got := writeTimeoutFor(rt)
		if got < readTimeout+2*rt {
			t.Errorf("request timeout %s: WriteTimeout %s does not cover a %s upload, "+
				"a key lookup and a store call of %s each", rt, got, readTimeout, rt)
		}
	}
}

// requestInFlight starts an identify whose body is held back, and returns
// once the handler waits for it.
func requestInFlight(t testing.TB, addr, secret string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /identify HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"+
		"Expect: 100-continue\r\nx-api-key: %s\r\n\r\n", secret)
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(line, "100") {
		t.Fatalf("want 100 Continue, got %q, %v", line, err)
	}
	return conn
}
