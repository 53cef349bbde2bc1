package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/storetest"
)

// TestItemByItemWritesDoNotDeadlock sends batches naming two users in
// opposite orders, concurrently. The users hold nested values whose compact
// form is within the byte limit but whose jsonb text is not, so every batch
// takes the item-by-item path, which writes in the items' order: it must
// lock the rows in one order first, or the batches deadlock each other.
func TestItemByItemWritesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxPropertyBytes = 4000
	s := openStore(t, limits)
	ctx := context.Background()
	nested := `{"k":[` + strings.Repeat("1,", 1499) + `1]}`
	for _, id := range []string{"nestA", "nestB"} {
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id,
			Properties: storetest.Props(t, nested)}
		if err := s.Identify(ctx, "prod", []rollcall.Identify{item}); err != nil {
			t.Fatalf("store %s: %v", id, err)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			ids := []string{"nestA", "nestB"}
			if w%2 == 1 {
				ids = []string{"nestB", "nestA"}
			}
			for n := range 5 {
				props := fmt.Sprintf(`{"d%d":%d}`, w, n)
				items := []rollcall.Identify{
					{Kind: rollcall.KindUser, Identifier: ids[0], Properties: storetest.Props(t, props)},
					{Kind: rollcall.KindUser, Identifier: ids[1], Properties: storetest.Props(t, props)},
				}
				if err := s.Identify(ctx, "prod", items); err != nil {
					errs <- fmt.Errorf("writer %d, batch %d: %w", w, n, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	u, err := s.User(ctx, "prod", "nestA")
	if err != nil {
		t.Fatal(err)
	}
	for w := range 8 {
		if string(u.Properties[fmt.Sprintf("d%d", w)]) != "4" {
			t.Errorf("nestA lost writer %d's last write: %s", w, u.Properties[fmt.Sprintf("d%d", w)])
		}
	}
}
