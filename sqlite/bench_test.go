package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/storetest"
	_ "modernc.org/sqlite"
)

// BenchmarkIdentify measures one single-user identify per operation, each
// its own durable commit.
func BenchmarkIdentify(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	p := storetest.Props(b, `{"email":"someone@example.com","plan":"pro","seats":12}`)
	ctx := context.Background()

	i := 0
	for b.Loop() {
		id := fmt.Sprintf("u%d", i%500)
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id, Properties: p}
		if err := s.Identify(ctx, "bench", []rollcall.Identify{item}); err != nil {
			b.Fatalf("Identify: %v", err)
		}
		i++
	}
}

// BenchmarkIdentifyBatch measures one 100-item batch per operation; it
// reports items per second as well.
func BenchmarkIdentifyBatch(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	p := storetest.Props(b, `{"email":"someone@example.com","plan":"pro","seats":12}`)
	ctx := context.Background()

	items := make([]rollcall.Identify, rollcall.MaxBatchItems)
	n := 0
	for b.Loop() {
		for j := range items {
			items[j] = rollcall.Identify{
				Kind:       rollcall.KindUser,
				Identifier: fmt.Sprintf("u%d", (n*len(items)+j)%2000),
				Properties: p,
				Groups:     []rollcall.GroupIdentify{{Identifier: fmt.Sprintf("g%d", j%10)}},
			}
		}
		if err := s.Identify(ctx, "bench", items); err != nil {
			b.Fatalf("Identify batch: %v", err)
		}
		n++
	}
	b.ReportMetric(float64(b.N*len(items))/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkIdentifyParallel measures single identifies sent from many
// goroutines at once, where group commit shares transactions between them.
func BenchmarkIdentifyParallel(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	p := storetest.Props(b, `{"email":"someone@example.com","plan":"pro","seats":12}`)
	b.SetParallelism(16)

	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("u%d", next.Add(1)%500)
			item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id, Properties: p}
			err := s.Identify(context.Background(), "bench", []rollcall.Identify{item})
			if err != nil {
				b.Errorf("Identify: %v", err)
				return
			}
		}
	})
}

// BenchmarkIdentifyBatchOneUser measures a 100-item batch that names one
// user with large properties in every item, each item changing one key: the
// case where rewriting the row per item would multiply the cost.
func BenchmarkIdentifyBatchOneUser(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	ctx := context.Background()
	big := rollcall.Properties{}
	for i := range 500 {
		big[fmt.Sprint("key", i)] = []byte(`"` + strings.Repeat("v", 400) + `"`)
	}
	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: "big", Properties: big}
	if err := s.Identify(ctx, "bench", []rollcall.Identify{item}); err != nil {
		b.Fatalf("Identify: %v", err)
	}

	items := make([]rollcall.Identify, rollcall.MaxBatchItems)
	n := 0
	for b.Loop() {
		for j := range items {
			p := rollcall.Properties{fmt.Sprint("key", j): []byte(fmt.Sprint(n))}
			items[j] = rollcall.Identify{Kind: rollcall.KindUser, Identifier: "big", Properties: p}
		}
		if err := s.Identify(ctx, "bench", items); err != nil {
			b.Fatalf("Identify batch: %v", err)
		}
		n++
	}
}

// BenchmarkKeyCheck compares what a request may pay to know that its key
// is still good: reading the key row, asking SQLite whether the file
// changed (PRAGMA data_version, itself a statement), and one stat of a
// file that a revoke appends to. It chose the design of the key cache.
func BenchmarkKeyCheck(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rollcall.db")
	s := openFile(b, path, rollcall.DefaultLimits())
	_, key, err := rollcall.NewKey("bench", rollcall.KeyServer, nil)
	if err != nil {
		b.Fatalf("NewKey: %v", err)
	}
	if err := s.CreateKey(context.Background(), key); err != nil {
		b.Fatalf("CreateKey: %v", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatalf("open: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)

	b.Run("key row read", func(b *testing.B) {
		for b.Loop() {
			var hash string
			err := db.QueryRow(`SELECT hash FROM api_keys WHERE prefix = ?`, key.Prefix).
				Scan(&hash)
			if err != nil {
				b.Fatalf("select: %v", err)
			}
		}
	})
	b.Run("data_version", func(b *testing.B) {
		for b.Loop() {
			var v int64
			if err := db.QueryRow(`PRAGMA data_version`).Scan(&v); err != nil {
				b.Fatalf("data_version: %v", err)
			}
		}
	})
	b.Run("stat", func(b *testing.B) {
		for b.Loop() {
			if _, err := os.Stat(path + "-keys"); err != nil {
				b.Fatalf("stat: %v", err)
			}
		}
	})
}
