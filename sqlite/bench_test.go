package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rollcall/rollcall"
)

// BenchmarkIdentify measures one single-user identify per operation, each
// its own durable commit.
func BenchmarkIdentify(b *testing.B) {
	s := openStore(b, rollcall.DefaultLimits())
	p := props(b, `{"email":"someone@example.com","plan":"pro","seats":12}`)
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
	p := props(b, `{"email":"someone@example.com","plan":"pro","seats":12}`)
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
	p := props(b, `{"email":"someone@example.com","plan":"pro","seats":12}`)
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
