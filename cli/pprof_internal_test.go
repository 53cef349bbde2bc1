package cli

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestPprofListener(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	t.Run("off unless asked for", func(t *testing.T) {
		stop, err := startPprof("", log)
		if err != nil {
			t.Fatalf("startPprof(\"\"): %v", err)
		}
		stop()
	})

	t.Run("refuses an address beyond loopback", func(t *testing.T) {
		for _, addr := range []string{"0.0.0.0:6060", ":6060", "192.0.2.1:6060", "nonsense"} {
			if stop, err := startPprof(addr, log); err == nil {
				stop()
				t.Errorf("startPprof(%q) succeeded, want a refusal", addr)
			} else if !strings.Contains(err.Error(), "ROLLCALL_PPROF") {
				t.Errorf("startPprof(%q) = %v, want the variable named", addr, err)
			}
		}
	})

	t.Run("serves profiles on loopback", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a port: %v", err)
		}
		addr := ln.Addr().String()
		ln.Close()

		stop, err := startPprof(addr, log)
		if err != nil {
			t.Fatalf("startPprof(%q): %v", addr, err)
		}
		defer stop()
		resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
		if err != nil {
			t.Fatalf("get cmdline: %v", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d, want 200", resp.StatusCode)
		}
	})
}
