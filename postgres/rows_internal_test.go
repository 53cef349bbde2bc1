package postgres

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

// BenchmarkQueueGroup measures the Go side of one full group of single
// identifies: merging the writes into rows and queueing the statements.
func BenchmarkQueueGroup(b *testing.B) {
	items := make([]rollcall.Identify, maxGroup)
	for i := range items {
		items[i] = userIdentify(b, fmt.Sprintf("user-%d", i),
			fmt.Sprintf(`{"email":"user%d@example.com","name":"Person %d","plan":"pro",`+
				`"seats":%d,"active":true,"signedUpAt":"2025-01-02T10:00:00.000Z",`+
				`"score":12.34,"tags":["beta","pro"]}`, i, i, i))
	}
	limits := rollcall.DefaultLimits()

	b.ReportAllocs()
	for b.Loop() {
		rows := newRowSet()
		for _, item := range items {
			rows.add("bench", item)
		}
		var batch pgx.Batch
		if err := rows.queue(&batch, limits); err != nil {
			b.Fatal(err)
		}
	}
}
