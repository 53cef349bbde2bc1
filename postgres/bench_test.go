package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/pgtest"
)

// BenchmarkIdentify measures one identify and one batch of 100 users, each
// with a few properties and one group, against the real database.
func BenchmarkIdentify(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	ctx := context.Background()

	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("items=%d", size), func(b *testing.B) {
			n := 0
			for b.Loop() {
				items := make([]rollcall.Identify, size)
				for i := range items {
					n++
					items[i] = benchItem(n)
				}
				if err := s.Identify(ctx, "bench", items); err != nil {
					b.Fatalf("Identify: %v", err)
				}
			}
		})
	}
}

// BenchmarkIdentifyParallel measures single identifies sent by many
// goroutines at once, each naming its own user most of the time: the load
// that group commit coalesces.
func BenchmarkIdentifyParallel(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	var n atomic.Int64
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			item := benchItem(int(n.Add(1)))
			err := s.Identify(context.Background(), "bench", []rollcall.Identify{item})
			if err != nil {
				b.Errorf("Identify: %v", err)
				return
			}
		}
	})
}

// BenchmarkRawUpsert is the ceiling for a batch of 100: the same rows as
// BenchmarkIdentify's batch, written by three hand-made multi-row
// statements in one transaction, without any of the store's checks.
func BenchmarkRawUpsert(b *testing.B) {
	schema := pgtest.NewSchema(b)
	_ = openAt(b, schemaURL(b, schema), rollcall.DefaultLimits())
	conn := connectSchema(b, schema)

	n := 0
	for b.Loop() {
		var ids, props, groups []string
		for range 100 {
			n++
			item := benchItem(n)
			data, _ := json.Marshal(item.Properties)
			ids = append(ids, item.Identifier)
			props = append(props, string(data))
			groups = append(groups, item.Groups[0].Identifier)
		}
		rawUpsert(b, conn, ids, props, groups)
	}
}

func benchItem(n int) rollcall.Identify {
	return rollcall.Identify{
		Identifier: fmt.Sprintf("user-%d", n%5000),
		Properties: rollcall.Properties{
			"email": []byte(fmt.Sprintf(`"user%d@example.com"`, n)),
			"plan":  []byte(`"pro"`),
			"seats": []byte(fmt.Sprint(n)),
		},
		Groups: []rollcall.GroupIdentify{{Identifier: fmt.Sprintf("team-%d", n%50)}},
	}
}
