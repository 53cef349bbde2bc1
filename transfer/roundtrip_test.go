package transfer_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/transfer"
)

func exportUsers(t testing.TB, src transfer.Source, f transfer.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := transfer.ExportUsers(context.Background(), src, &buf, f); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

func importBytes(t testing.TB, data []byte, f transfer.Format, sink transfer.Sink) transfer.Summary {
	t.Helper()
	r, err := transfer.NewReader(bytes.NewReader(data), f, transfer.ReadOptions{})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rejects bytes.Buffer
	sum, err := transfer.Import(context.Background(), r, transfer.ImportConfig{Sink: sink, Rejects: &rejects})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if sum.Rejected != 0 {
		t.Fatalf("Import rejected %d rows:\n%s", sum.Rejected, rejects.String())
	}
	return sum
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []transfer.Format{transfer.JSONLines, transfer.CSV} {
		t.Run(string(f)+" through the store", func(t *testing.T) {
			t.Parallel()
			a := newStore(t, rollcall.DefaultLimits())
			seed(t, a, awkward())
			first := exportUsers(t, transfer.StoreSource{Store: a, Env: env}, f)

			b := newStore(t, rollcall.DefaultLimits())
			sum := importBytes(t, first, f, transfer.StoreSink{Store: b, Env: env})
			if sum.Imported != len(awkward()) {
				t.Errorf("imported %d rows, want %d", sum.Imported, len(awkward()))
			}
			sameExport(t, first, exportUsers(t, transfer.StoreSource{Store: b, Env: env}, f))
		})

		t.Run(string(f)+" through a server", func(t *testing.T) {
			t.Parallel()
			a := newStore(t, rollcall.DefaultLimits())
			seed(t, a, awkward())
			ca, _ := newServer(t, a)
			first := exportUsers(t, ca, f)

			b := newStore(t, rollcall.DefaultLimits())
			cb, _ := newServer(t, b)
			importBytes(t, first, f, transfer.ClientSink{Client: cb})
			sameExport(t, first, exportUsers(t, cb, f))
			sameExport(t, first, exportUsers(t, transfer.StoreSource{Store: b, Env: env}, f))
		})
	}

	t.Run("exports hold the awkward values exactly", func(t *testing.T) {
		t.Parallel()
		a := newStore(t, rollcall.DefaultLimits())
		seed(t, a, awkward())
		out := string(exportUsers(t, transfer.StoreSource{Store: a, Env: env}, transfer.JSONLines))
		for _, want := range []string{
			`"big":12345678901234567890`, `"frac":0.1000000000000000055511151231257827`,
			`"null":null`, `"zip":"00123"`, `<b>&amp;</b>`, `"identifier":"a/b c"`,
			`"groups":["g 2","g/1"]`, `"n":1e400`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("export lacks %s:\n%s", want, out)
			}
		}
		if n := strings.Count(out, "\n"); n != len(awkward()) {
			t.Errorf("export has %d lines, want %d", n, len(awkward()))
		}
	})

	t.Run("groups round trip with their properties", func(t *testing.T) {
		t.Parallel()
		a := newStore(t, rollcall.DefaultLimits())
		seed(t, a, awkward())
		var first bytes.Buffer
		if _, err := transfer.ExportGroups(context.Background(), transfer.StoreSource{Store: a, Env: env}, &first, transfer.CSV); err != nil {
			t.Fatal(err)
		}
		b := newStore(t, rollcall.DefaultLimits())
		r, err := transfer.NewReader(bytes.NewReader(first.Bytes()), transfer.CSV, transfer.ReadOptions{Groups: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := transfer.Import(context.Background(), r, transfer.ImportConfig{Sink: transfer.StoreSink{Store: b, Env: env}}); err != nil {
			t.Fatal(err)
		}
		var second bytes.Buffer
		if _, err := transfer.ExportGroups(context.Background(), transfer.StoreSource{Store: b, Env: env}, &second, transfer.CSV); err != nil {
			t.Fatal(err)
		}
		// Member counts differ (no users were imported), so compare the
		// properties column only.
		if !strings.Contains(second.String(), `"{""tier"":""gold""}"`) || strings.Count(second.String(), "\n") != 3 {
			t.Errorf("group export after import:\n%s\nfirst:\n%s", second.String(), first.String())
		}
	})
}
