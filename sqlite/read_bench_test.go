package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/loadgen"
	"github.com/rollcall/rollcall/storetest"
)

// readBenchUsers is how many users the read benchmarks store.
const readBenchUsers = 2000

// seedReads stores readBenchUsers users with the load generator's
// properties, every tenth one in 20 groups.
func seedReads(b *testing.B) rollcall.Store {
	b.Helper()
	s := openStore(b, rollcall.DefaultLimits())
	r := rand.New(rand.NewPCG(1, 2))
	var items []rollcall.Identify
	for i := range readBenchUsers {
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: fmt.Sprint("u", i),
			Properties: storetest.Props(b, string(loadgen.PropertyObject(r, 8)))}
		if i%10 == 0 {
			for g := range 20 {
				item.Groups = append(item.Groups, rollcall.GroupIdentify{Identifier: fmt.Sprint("g", g)})
			}
		}
		items = append(items, item)
		if len(items) == rollcall.MaxBatchItems {
			identifyAll(b, s, items)
			items = items[:0]
		}
	}
	identifyAll(b, s, items)
	return s
}

func identifyAll(b *testing.B, s rollcall.Store, items []rollcall.Identify) {
	b.Helper()
	if len(items) == 0 {
		return
	}
	if err := s.Identify(context.Background(), "bench", items); err != nil {
		b.Fatalf("Identify: %v", err)
	}
}

// requestContext is a context that can end, like a server request's.
func requestContext(b *testing.B) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return ctx
}

// BenchmarkUser reads one user without groups per operation, as
// GET /users/{identifier} does.
func BenchmarkUser(b *testing.B) {
	s := seedReads(b)
	ctx := requestContext(b)
	i := 0
	for b.Loop() {
		i++
		if i%10 == 0 {
			i++
		}
		id := fmt.Sprint("u", i%readBenchUsers)
		if _, err := s.User(ctx, "bench", id); err != nil {
			b.Fatalf("User(%s): %v", id, err)
		}
	}
}

// BenchmarkUserGroups reads one user in 20 groups per operation.
func BenchmarkUserGroups(b *testing.B) {
	s := seedReads(b)
	ctx := requestContext(b)
	i := 0
	for b.Loop() {
		id := fmt.Sprint("u", (i*10)%readBenchUsers)
		u, err := s.User(ctx, "bench", id)
		if err != nil || len(u.Groups) != 20 {
			b.Fatalf("User(%s): %d groups, %v", id, len(u.Groups), err)
		}
		i++
	}
}

// BenchmarkUserParallel reads users from many goroutines at once, which
// then share the read pool.
func BenchmarkUserParallel(b *testing.B) {
	s := seedReads(b)
	ctx := requestContext(b)
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 0))
		for pb.Next() {
			id := fmt.Sprint("u", r.IntN(readBenchUsers))
			if _, err := s.User(ctx, "bench", id); err != nil {
				b.Errorf("User(%s): %v", id, err)
				return
			}
		}
	})
}

// BenchmarkUsersPage reads one page of 50 users per operation, walking
// the list in identifier order.
func BenchmarkUsersPage(b *testing.B) {
	s := seedReads(b)
	ctx := requestContext(b)
	q := rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 50}}
	for b.Loop() {
		page, err := s.Users(ctx, "bench", q)
		if err != nil {
			b.Fatalf("Users: %v", err)
		}
		q.Cursor = page.NextCursor
	}
}

// BenchmarkGroupMembers reads one page of 50 members of a group per
// operation.
func BenchmarkGroupMembers(b *testing.B) {
	s := seedReads(b)
	ctx := requestContext(b)
	p := rollcall.PageRequest{Limit: 50}
	for b.Loop() {
		page, err := s.GroupMembers(ctx, "bench", "g3", p)
		if err != nil {
			b.Fatalf("GroupMembers: %v", err)
		}
		p.Cursor = page.NextCursor
	}
}

// BenchmarkGroup reads one group with its member count per operation.
func BenchmarkGroup(b *testing.B) {
	s := seedReads(b)
	ctx := requestContext(b)
	i := 0
	for b.Loop() {
		id := fmt.Sprint("g", i%20)
		if _, err := s.Group(ctx, "bench", id); err != nil {
			b.Fatalf("Group(%s): %v", id, err)
		}
		i++
	}
}
