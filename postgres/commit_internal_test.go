package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/pgtest"
)

// openInternal opens a store on a schema of its own, for tests that drive
// the committer directly rather than race goroutines into one group.
func openInternal(t testing.TB, limits rollcall.Limits) *Store {
	t.Helper()
	schema := pgtest.NewSchema(t)
	conn := pgtest.SchemaURL(t, schema, map[string]string{"pool_max_conns": "4"})
	s, err := Open(context.Background(), conn, limits)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newRequest builds a request as write would hand it to a committer.
func newRequest(ctx context.Context, env, id, js string, groups ...string) *request {
	item := rollcall.Identify{Identifier: id, Properties: rollcall.Properties{}}
	v, err := rollcall.DecodeJSON([]byte(js))
	if err == nil {
		item.Properties, err = rollcall.PropertiesFromJSON(v, 32)
	}
	if err != nil {
		panic(err) // the tests' literals are valid
	}
	for _, g := range groups {
		item.Groups = append(item.Groups, rollcall.GroupIdentify{Identifier: g})
	}
	return &request{ctx: ctx, env: env, item: item, done: make(chan error, 1)}
}

// TestCommitRetriesWithoutOffenders hands one group to the committer: the
// writes that break the limit (alone, or only merged with a good write)
// must fail alone, and the rest, across two environments, commit.
func TestCommitRetriesWithoutOffenders(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	s := openInternal(t, limits)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()

	group := []*request{
		newRequest(bg, "prod", "u1", `{"a":1}`, "team"),
		newRequest(bg, "prod", "big", `{"a":1,"b":2,"c":3}`),
		newRequest(bg, "prod", "shared", `{"a":1}`),
		newRequest(bg, "test", "shared", `{"x":1,"y":2}`, "team"),
		newRequest(bg, "prod", "shared", `{"b":2,"c":3}`),
		newRequest(canceled, "prod", "gone", `{}`, "team"),
		newRequest(bg, "prod", "shared", `{"a":4}`, "team"),
	}
	s.commits.commit(group)

	wantOK := []bool{true, false, true, true, false, false, true}
	for i, req := range group {
		err := <-req.done
		var item *rollcall.ItemError
		switch {
		case wantOK[i] && err != nil:
			t.Errorf("request %d: %v, want success", i, err)
		case i == 5 && !errors.Is(err, context.Canceled):
			t.Errorf("canceled request: %v, want context.Canceled", err)
		case !wantOK[i] && i != 5 && !errors.As(err, &item):
			t.Errorf("request %d: %v, want an ItemError", i, err)
		}
	}
	checkCommitted(t, s)
}

// checkCommitted checks what TestCommitRetriesWithoutOffenders's group
// left in the database.
func checkCommitted(t testing.TB, s *Store) {
	t.Helper()
	ctx := context.Background()
	shared, err := s.User(ctx, "prod", "shared")
	if err != nil || string(shared.Properties["a"]) != "4" || len(shared.Properties) != 1 {
		t.Errorf("prod shared: %v, %v; want only a=4", err, shared.Properties)
	}
	other, err := s.User(ctx, "test", "shared")
	if err != nil || len(other.Properties) != 2 || len(other.Groups) != 1 {
		t.Errorf("test shared: %v, %v in %v; want x and y in team",
			err, other.Properties, other.Groups)
	}
	for _, id := range []string{"big", "gone"} {
		if _, err := s.User(ctx, "prod", id); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
			t.Errorf("user %s was written (User: %v)", id, err)
		}
	}
	team, err := s.Group(ctx, "prod", "team")
	if err != nil || team.MemberCount != 2 {
		t.Errorf("prod team: %v, %d members; want u1 and shared", err, team.MemberCount)
	}
}

// TestCommitGroupRowOverLimit hands the committer a group whose users are
// all within the limits but whose shared group row is not: the statement
// that writes the users succeeds before the one that writes the groups
// fails, and the users must still not be written by the failed attempt.
func TestCommitGroupRowOverLimit(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	s := openInternal(t, limits)
	bg := context.Background()

	crowd := newRequest(bg, "prod", "b", `{"x":1}`)
	crowd.item.Groups = []rollcall.GroupIdentify{{Identifier: "crowd",
		Properties: rollcall.Properties{"p": []byte("1"), "q": []byte("2"), "r": []byte("3")}}}
	group := []*request{
		newRequest(bg, "prod", "a", `{"x":1}`, "team"),
		crowd,
		newRequest(bg, "prod", "c", `{}`, "crowd"),
	}
	s.commits.commit(group)

	for i, req := range group {
		err := <-req.done
		if i == 1 {
			wantItem(t, err, 0, `group "crowd"`)
		} else if err != nil {
			t.Errorf("request %d: %v, want success", i, err)
		}
	}
	if _, err := s.User(bg, "prod", "b"); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Errorf("the user of the write over the limit was written (User: %v)", err)
	}
	for _, id := range []string{"a", "c"} {
		if _, err := s.User(bg, "prod", id); err != nil {
			t.Errorf("user %s: %v", id, err)
		}
	}
	g, err := s.Group(bg, "prod", "crowd")
	if err != nil || len(g.Properties) != 0 || g.MemberCount != 1 {
		t.Errorf("crowd: %v, %v, %d members; want no properties and c", err, g.Properties, g.MemberCount)
	}
}

// TestCommitMayBreakButWithin writes, through the committer, a row that the
// database's quick count puts over the size limit (jsonb prints the array
// with spaces) while its exact size is within: it must be written, and so
// must the group it came in.
func TestCommitMayBreakButWithin(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxPropertyBytes = 20 // "a" and [1,2,3,4,5,6,7,8] are 18 bytes
	s := openInternal(t, limits)
	bg := context.Background()

	group := []*request{
		newRequest(bg, "prod", "near", `{"a":[1,2,3,4,5,6,7,8]}`),
		newRequest(bg, "prod", "other", `{"b":1}`),
	}
	s.commits.commit(group)

	for i, req := range group {
		if err := <-req.done; err != nil {
			t.Errorf("request %d: %v, want success", i, err)
		}
	}
	u, err := s.User(bg, "prod", "near")
	if err != nil || string(u.Properties["a"]) != "[1,2,3,4,5,6,7,8]" {
		t.Errorf("near: %v, %v; want the array stored", err, u.Properties)
	}
}

// TestCountLimitOnShortRows breaks MaxProperties with the shortest
// properties there are, so that the quick length test in mayBreakSQL, which
// lets short rows skip the count, must still send this row to be counted.
func TestCountLimitOnShortRows(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 10
	s := openInternal(t, limits)

	js := `{"a":0,"b":0,"c":0,"d":0,"e":0,"f":0,"g":0,"h":0,"i":0,"j":0,"k":0}`
	err := s.Identify(context.Background(), "prod", []rollcall.Identify{userIdentify(t, "u1", js)})
	wantItem(t, err, 0, `user "u1"`)
}

// sendRequests sends n requests to c's queue, each taken before the next is
// sent, then runs after.
func sendRequests(c *committer, n int, after func()) {
	go func() {
		for i := range n {
			c.queue <- newRequest(context.Background(), "prod", fmt.Sprint("u", i), `{}`)
		}
		after()
	}()
}

func TestGatherWritesAtOnceWhenIdle(t *testing.T) {
	t.Parallel()
	c := &committer{queue: make(chan *request)}

	group := c.gather(newRequest(context.Background(), "prod", "lone", `{}`))
	if len(group) != 1 || c.writing != 1 {
		t.Fatalf("lone request with no group being written: %d requests, %d writing; "+
			"want 1 and 1", len(group), c.writing)
	}
}

func TestGatherWaitsForTheGroupBeingWritten(t *testing.T) {
	t.Parallel()
	c := &committer{queue: make(chan *request), writing: 1}
	sendRequests(c, 3, c.written)

	group := c.gather(newRequest(context.Background(), "prod", "first", `{}`))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(group) != 4 || c.writing != 1 {
		t.Fatalf("gathered %d requests with %d writing; want all 4, written once the "+
			"other group was", len(group), c.writing)
	}
}

func TestGatherStopsAtShareAt(t *testing.T) {
	t.Parallel()
	c := &committer{queue: make(chan *request), writing: 1}
	const sent = shareAt + 5
	sendRequests(c, sent, func() {})

	group := c.gather(newRequest(context.Background(), "prod", "first", `{}`))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(group) < shareAt || c.writing != 2 || len(c.waiters) != 0 {
		t.Fatalf("gathered %d requests with %d writing and %d waiting; want %d or more, "+
			"written beside the other group", len(group), c.writing, len(c.waiters), shareAt)
	}
	for range sent + 1 - len(group) {
		<-c.queue // the requests sent after the group was full
	}
}

// TestCommitSurvivesAPanic hands the committer a group whose second request
// makes it panic (a nil context, which no caller sends): every caller of
// the group must get an error rather than the process dying, and the store
// must go on writing.
func TestCommitSurvivesAPanic(t *testing.T) {
	t.Parallel()
	s := openInternal(t, rollcall.DefaultLimits())
	bg := context.Background()

	good := newRequest(bg, "prod", "u1", `{"a":1}`)
	broken := newRequest(bg, "prod", "u2", `{"a":1}`)
	broken.ctx = nil
	s.commits.commit([]*request{good, broken})

	for _, req := range []*request{good, broken} {
		if err := <-req.done; err == nil || !strings.Contains(err.Error(), "panicked") {
			t.Errorf("answer after a panic = %v, want the panic as an error", err)
		}
	}
	after := newRequest(bg, "prod", "u3", `{"a":1}`)
	s.commits.commit([]*request{after})
	if err := <-after.done; err != nil {
		t.Fatalf("write after a panic: %v", err)
	}
}

// TestNestedRowWithinTheLimitIsNotFlagged writes a user whose nested value
// is within the byte limit compact (3,003 bytes) but not as jsonb prints it
// (4,508): the database must count it compact and let the group through,
// rather than flag the row and send every later write of it down the slow
// path. A row one property over the limit is still flagged.
func TestNestedRowWithinTheLimitIsNotFlagged(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxPropertyBytes = 4000
	s := openInternal(t, limits)
	bg := context.Background()
	nested := `{"k":[` + strings.Repeat("1,", 1499) + `1],"s":"a, b: c"}`

	for range 2 { // the second write merges into the stored row
		over, err := s.writeGroup(bg, []*request{newRequest(bg, "prod", "nest", nested)})
		if err != nil || len(over) != 0 {
			t.Fatalf("writeGroup = %v, %v; want the row written, none flagged", over, err)
		}
	}

	big := `{"big":"` + strings.Repeat("x", 990) + `"}`
	over, err := s.writeGroup(bg, []*request{newRequest(bg, "prod", "nest", big)})
	if err != nil || len(over) != 1 {
		t.Fatalf("writeGroup over the limit = %v, %v; want the row flagged", over, err)
	}
}
