package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/pgtest"
	"github.com/rollcall/rollcall/internal/tcpproxy"
	"github.com/rollcall/rollcall/postgres"
	"github.com/rollcall/rollcall/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB, limits rollcall.Limits) rollcall.Store {
		return openStore(t, limits)
	})
}

func TestMigrations(t *testing.T) {
	t.Run("two processes starting at once both open", testMigrationRace)
	t.Run("reopening keeps data and applies nothing again", testReopen)
	t.Run("a database migrated by a newer binary still opens", testNewerDatabase)
}

func testMigrationRace(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	conn := schemaURL(t, schema)

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), conn, rollcall.DefaultLimits())
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	n := queryInt(t, schema, "SELECT count(*) FROM schema_migrations WHERE version = 1")
	if n != 1 {
		t.Errorf("migration 1 recorded %d times, want once", n)
	}
}

func testReopen(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	conn := schemaURL(t, schema)
	ctx := context.Background()

	first := openAt(t, conn, rollcall.DefaultLimits())
	item := rollcall.Identify{Identifier: "u1", Properties: storetest.Props(t, `{"plan":"pro"}`)}
	if err := first.Identify(ctx, "prod", []rollcall.Identify{item}); err != nil {
		t.Fatalf("Identify: %v", err)
	}
	_ = first.Close()
	applied := queryInt(t, schema, "SELECT count(*) FROM schema_migrations")

	second := openAt(t, conn, rollcall.DefaultLimits())
	u, err := second.User(ctx, "prod", "u1")
	if err != nil {
		t.Fatalf("User after reopen: %v", err)
	}
	if got := string(u.Properties["plan"]); got != `"pro"` {
		t.Errorf("plan after reopen = %s, want \"pro\"", got)
	}
	again := queryInt(t, schema, "SELECT count(*) FROM schema_migrations")
	if again != applied {
		t.Errorf("schema_migrations has %d rows after reopen, had %d", again, applied)
	}
}

func testNewerDatabase(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	conn := schemaURL(t, schema)
	_ = openAt(t, conn, rollcall.DefaultLimits()).Close()
	execSQL(t, schema,
		"INSERT INTO schema_migrations (version, name) VALUES (9999, 'future.sql')")

	s := openAt(t, conn, rollcall.DefaultLimits())
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestConcurrentIdentifyAcrossStores(t *testing.T) {
	t.Parallel()
	conn := schemaURL(t, pgtest.NewSchema(t))
	stores := []*postgres.Store{
		openAt(t, conn, rollcall.DefaultLimits()),
		openAt(t, conn, rollcall.DefaultLimits()),
	}
	const writers, writes = 3, 8

	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*writers*writes)
	for si, s := range stores {
		for w := range writers {
			wg.Go(func() {
				for n := range writes {
					key := fmt.Sprintf("s%d-w%d-n%d", si, w, n)
					item := rollcall.Identify{
						Identifier: "shared",
						Properties: rollcall.Properties{key: []byte(fmt.Sprint(n))},
						Groups: []rollcall.GroupIdentify{{Identifier: "team",
							Properties: rollcall.Properties{key: []byte("true")}}},
					}
					errs <- s.Identify(context.Background(), "prod", []rollcall.Identify{item})
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Identify: %v", err)
		}
	}

	want := len(stores) * writers * writes
	u, err := stores[0].User(context.Background(), "prod", "shared")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	if len(u.Properties) != want {
		t.Errorf("user has %d properties, want %d: a merge was lost", len(u.Properties), want)
	}
	g, err := stores[1].Group(context.Background(), "prod", "team")
	if err != nil {
		t.Fatalf("Group: %v", err)
	}
	if len(g.Properties) != want || g.MemberCount != 1 {
		t.Errorf("group has %d properties and %d members, want %d and 1",
			len(g.Properties), g.MemberCount, want)
	}
}

func TestPropertyLimitRollsBackTheCall(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	s := openStore(t, limits)
	ctx := context.Background()

	items := []rollcall.Identify{
		{Identifier: "a", Properties: storetest.Props(t, `{"x":1}`)},
		{Identifier: "b", Properties: storetest.Props(t, `{"x":1,"y":2}`),
			Groups: []rollcall.GroupIdentify{
				{Identifier: "g", Properties: storetest.Props(t, `{"p":1,"q":2,"r":3}`)},
			}},
	}
	err := s.Identify(ctx, "prod", items)

	item, ok := err.(*rollcall.ItemError)
	if !ok || item.Index != 1 || rollcall.ErrorCode(err) != rollcall.CodeInvalid {
		t.Fatalf("Identify error = %v, want an invalid ItemError for item 1", err)
	}
	if _, err := s.User(ctx, "prod", "a"); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Errorf("item 0 was kept after the call was rejected (User: %v)", err)
	}
}

func TestSearchTreatsWildcardsLiterally(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx := context.Background()
	items := []rollcall.Identify{
		{Identifier: "100%_done"},
		{Identifier: "100x"},
		{Identifier: "other", Properties: storetest.Props(t, `{"email":"Ann_%@Example.com"}`)},
		{Identifier: "annx", Properties: storetest.Props(t, `{"email":"annxx@example.com"}`)},
	}
	if err := s.Identify(ctx, "prod", items); err != nil {
		t.Fatalf("Identify: %v", err)
	}

	for search, want := range map[string]string{"100%": "100%_done", "ANN_%": "other"} {
		page, err := s.Users(ctx, "prod", rollcall.UserQuery{Search: search})
		if err != nil {
			t.Fatalf("Users(%q): %v", search, err)
		}
		if len(page.Users) != 1 || page.Users[0].Identifier != want {
			t.Errorf("Users(%q) = %v, want only %s", search, page.Users, want)
		}
	}
}

// proxiedURL returns a connection URL to schema that goes through p.
func proxiedURL(t testing.TB, schema string, p *tcpproxy.Proxy) string {
	t.Helper()
	u, err := url.Parse(schemaURL(t, schema))
	if err != nil || u.Host == "" {
		t.Fatalf("the outage test needs ROLLCALL_TEST_POSTGRES as a postgres:// URL")
	}
	u.Host = p.Addr()
	return u.String()
}

func TestOutage(t *testing.T) {
	t.Parallel()
	p := tcpproxy.Start(t, pgtest.Addr(t))
	s := openAt(t, proxiedURL(t, pgtest.NewSchema(t), p), rollcall.DefaultLimits())
	ctx := context.Background()

	w := startWriters(s, 3)
	w.waitAcked(t, 20)
	p.Cut()
	w.waitFailed(t, 1)

	if err := s.Ping(ctx); err == nil {
		t.Errorf("Ping succeeded while the database was cut off")
	}
	item := rollcall.Identify{Identifier: "during"}
	if err := s.Identify(ctx, "prod", []rollcall.Identify{item}); err == nil {
		t.Errorf("Identify succeeded while the database was cut off")
	}
	acked := w.stop()

	p.Restore(t)
	waitPing(t, s)
	if err := s.Identify(ctx, "prod", []rollcall.Identify{{Identifier: "after"}}); err != nil {
		t.Fatalf("Identify after the database came back: %v", err)
	}
	checkAcked(t, s, acked)
}

// waitPing waits, within a bound, for the pool to reconnect.
func waitPing(t testing.TB, s *postgres.Store) {
	t.Helper()
	var err error
	for range 100 {
		if err = s.Ping(context.Background()); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("Ping still fails after the database came back: %v", err)
}

// checkAcked checks that every write the store acknowledged is stored.
func checkAcked(t testing.TB, s *postgres.Store, acked map[string][]string) {
	t.Helper()
	for user, keys := range acked {
		u, err := s.User(context.Background(), "prod", user)
		if err != nil {
			t.Fatalf("User %s: %v", user, err)
		}
		for _, k := range keys {
			if _, ok := u.Properties[k]; !ok {
				t.Errorf("user %s lost acknowledged property %s", user, k)
			}
		}
	}
}
