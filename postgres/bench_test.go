package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rollcall/rollcall"
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
