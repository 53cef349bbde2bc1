package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
)

func (h harness) runLimits(t *testing.T) {
	runAll(t, []scenario{
		{"CountedAfterMerge", h.countedAfterMerge},
		{"AtomicRejection", h.atomicRejection},
		{"GroupLimit", h.groupLimit},
		{"CountNotRevealed", h.countNotRevealed},
		{"BytesUnderAtOver", h.bytesUnderAtOver},
		{"BytesCountedAfterMerge", h.bytesCountedAfterMerge},
		{"BytesNestedValues", h.bytesNestedValues},
		{"BytesAtomicRejection", h.bytesAtomicRejection},
		{"BytesGroupLimit", h.bytesGroupLimit},
		{"BytesNotRevealed", h.bytesNotRevealed},
		{"BytesOffenderFailsAlone", h.bytesOffenderFailsAlone},
		{"OneUserHundredTimes", h.oneUserHundredTimes},
		{"LongIdentifierNotEchoedWhole", h.longIdentifierNotEchoedWhole},
	})
}

// longIdentifierNotEchoedWhole checks that a limit error quotes at most the
// first 100 bytes of a 256-byte identifier, and that a not-found error does
// too: details are one sentence, not a copy of the request.
func (h harness) longIdentifierNotEchoedWhole(t *testing.T) {
	s := h.storeWithMax(t, 1)
	id := strings.Repeat("x", rollcall.MaxIdentifierBytes)

	err := s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, id, `{"a":1,"b":2}`)})
	wantCode(t, err, rollcall.CodeInvalid, "a merge past the limit")
	if strings.Contains(err.Error(), id) {
		t.Errorf("the limit error repeats the whole identifier: %v", err)
	}

	_, err = s.User(context.Background(), env, id)
	wantCode(t, err, rollcall.CodeNotFound, "an unknown user")
	if strings.Contains(err.Error(), id) {
		t.Errorf("the not-found error repeats the whole identifier: %v", err)
	}
}

// storeWithBytes opens a fresh store whose MaxPropertyBytes is max.
func (h harness) storeWithBytes(t testing.TB, max int) rollcall.Store {
	t.Helper()
	limits := rollcall.DefaultLimits()
	limits.MaxPropertyBytes = max
	return h.open(t, limits)
}

// text returns a JSON string value of n bytes, quotes included (n >= 2), so
// that sizes in the scenarios read as sums: "k":text(9) counts 1+9 bytes.
func text(n int) string {
	return `"` + strings.Repeat("x", n-2) + `"`
}

// wantItemError fails t unless err is an *rollcall.ItemError for index with
// code invalid_request_error.
func wantItemError(t testing.TB, err error, index int) {
	t.Helper()
	var item *rollcall.ItemError
	if !errors.As(err, &item) {
		t.Fatalf("got %v (%T), want a *rollcall.ItemError", err, err)
	}
	if item.Index != index {
		t.Fatalf("ItemError index: got %d, want %d (%v)", item.Index, index, err)
	}
	wantCode(t, err, rollcall.CodeInvalid, "property limit")
}

func (h harness) countedAfterMerge(t *testing.T) {
	s := h.storeWithMax(t, 3)
	identify(t, s, env, userItem(t, "u1", `{"a":1,"b":2,"c":3}`))
	identify(t, s, env, userItem(t, "u1", `{"a":4,"c":null}`))

	err := s.Identify(context.Background(), env, []rollcall.Identify{userItem(t, "u1", `{"d":1}`)})
	wantItemError(t, err, 0)
	wantProps(t, getUser(t, s, env, "u1").Properties, `{"a":4,"b":2,"c":null}`)

	tooMany := userItem(t, "u2", `{"a":1,"b":2,"c":3,"d":4}`)
	err = s.Identify(context.Background(), env, []rollcall.Identify{tooMany})
	wantItemError(t, err, 0)
	_, err = s.User(context.Background(), env, "u2")
	wantCode(t, err, rollcall.CodeNotFound, "user rejected at creation")
}

func (h harness) atomicRejection(t *testing.T) {
	s := h.storeWithMax(t, 3)
	identify(t, s, env, userItem(t, "u0", `{"a":1,"b":2}`, member(t, "g0", `{"a":1}`)))
	before := getUser(t, s, env, "u0")

	err := s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, "new", `{"x":1}`, member(t, "gnew", `null`)),
		userItem(t, "u0", `{"a":5}`, member(t, "g0", `{"b":2}`)),
		groupItem(t, "g0", `{"c":3}`),
		userItem(t, "u0", `{"c":3}`),
		userItem(t, "u0", `{"d":4}`),
		userItem(t, "later", `{"x":1}`),
	})
	wantItemError(t, err, 4)

	_, err = s.User(context.Background(), env, "new")
	wantCode(t, err, rollcall.CodeNotFound, "user of a rejected batch")
	_, err = s.Group(context.Background(), env, "gnew")
	wantCode(t, err, rollcall.CodeNotFound, "group of a rejected batch")
	after := getUser(t, s, env, "u0")
	wantProps(t, after.Properties, `{"a":1,"b":2}`)
	wantProps(t, getGroup(t, s, env, "g0").Properties, `{"a":1}`)
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("rejected batch moved updatedAt from %v to %v", before.UpdatedAt, after.UpdatedAt)
	}
}

func (h harness) groupLimit(t *testing.T) {
	s := h.storeWithMax(t, 2)
	err := s.Identify(context.Background(), env, []rollcall.Identify{
		groupItem(t, "g1", `{"a":1}`),
		groupItem(t, "g1", `{"b":1,"c":1}`),
	})
	wantItemError(t, err, 1)

	err = s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, "u1", `{"a":1}`),
		userItem(t, "u1", `{"b":1}`, member(t, "g2", `{"a":1,"b":2,"c":3}`)),
	})
	wantItemError(t, err, 1)

	_, err = s.Group(context.Background(), env, "g1")
	wantCode(t, err, rollcall.CodeNotFound, "group of a rejected batch")
	_, err = s.User(context.Background(), env, "u1")
	wantCode(t, err, rollcall.CodeNotFound, "user of a rejected batch")
}

// rejectedDetails applies items, which must fail on the item at index, and
// returns the details a batch client would read.
func rejectedDetails(t testing.TB, s rollcall.Store, index int, items ...rollcall.Identify) string {
	t.Helper()
	err := s.Identify(context.Background(), env, items)
	wantItemError(t, err, index)
	return rollcall.ErrorDetails(err, true)
}

// wantSameAnswer fails t unless two rejections differ only by the names of
// the rows they name: the answer must not depend on what was stored.
func wantSameAnswer(t testing.TB, a, b, nameA, nameB string) {
	t.Helper()
	if strings.ReplaceAll(a, nameA, nameB) != b {
		t.Fatalf("rejections differ by what is stored:\n%s\n%s", a, b)
	}
}

// countNotRevealed breaks MaxProperties for two users that store different
// counts: the answers must be the same, and name neither count.
func (h harness) countNotRevealed(t *testing.T) {
	s := h.storeWithMax(t, 3)
	identify(t, s, env, userItem(t, "alpha", `{"a":1,"b":2,"c":3}`),
		userItem(t, "bravo", `{"a":1}`))

	send := `{"x":1,"y":2,"z":3}`
	a := rejectedDetails(t, s, 0, userItem(t, "alpha", send))
	b := rejectedDetails(t, s, 0, userItem(t, "bravo", send))
	wantSameAnswer(t, a, b, "alpha", "bravo")
	for _, count := range []string{"6", "4"} {
		if strings.Contains(a, count) {
			t.Fatalf("details %q reveal the count %s after the merge", a, count)
		}
	}
	wantProps(t, getUser(t, s, env, "alpha").Properties, `{"a":1,"b":2,"c":3}`)
}

// bytesUnderAtOver checks sizes just under, at and just over the limit: a
// key's bytes plus its compact JSON value's bytes.
func (h harness) bytesUnderAtOver(t *testing.T) {
	s := h.storeWithBytes(t, 40)
	under := fmt.Sprintf(`{"ab":%s}`, text(37))
	at := fmt.Sprintf(`{"ab":%s,"c":1}`, text(36))
	over := fmt.Sprintf(`{"ab":%s}`, text(39))

	identify(t, s, env, userItem(t, "under", under), userItem(t, "at", at))
	wantProps(t, getUser(t, s, env, "under").Properties, under)
	wantProps(t, getUser(t, s, env, "at").Properties, at)

	err := s.Identify(context.Background(), env, []rollcall.Identify{userItem(t, "over", over)})
	wantItemError(t, err, 0)
	_, err = s.User(context.Background(), env, "over")
	wantCode(t, err, rollcall.CodeNotFound, "user rejected at creation")
}

// bytesCountedAfterMerge checks that a replaced value counts once, at its
// new size, and that keys added one identify at a time add up.
func (h harness) bytesCountedAfterMerge(t *testing.T) {
	s := h.storeWithBytes(t, 40)
	full := fmt.Sprintf(`{"a":%s}`, text(39))
	identify(t, s, env, userItem(t, "u1", full))
	// Sent alone it would fit twice over; merged it replaces "a".
	identify(t, s, env, userItem(t, "u1", fmt.Sprintf(`{"a":%s}`, text(19))))
	identify(t, s, env, userItem(t, "u1", fmt.Sprintf(`{"b":%s}`, text(19))))
	want := fmt.Sprintf(`{"a":%s,"b":%s}`, text(19), text(19))
	wantProps(t, getUser(t, s, env, "u1").Properties, want)

	err := s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, "u1", `{"c":1}`),
	})
	wantItemError(t, err, 0)
	wantProps(t, getUser(t, s, env, "u1").Properties, want)

	// Replacing with a smaller value makes room again.
	identify(t, s, env, userItem(t, "u1", `{"a":1,"c":1}`))
}

// bytesNestedValues stores a nested value at exactly the limit: its compact
// form counts, not a form with spaces after commas and colons.
func (h harness) bytesNestedValues(t *testing.T) {
	s := h.storeWithBytes(t, 40)
	// n 1 + {"a":[1,2],"b":{"c":null}} 26 + p 1 + 12 = 40.
	at := fmt.Sprintf(`{"n":{"a":[1,2],"b":{"c":null}},"p":%s}`, text(12))
	identify(t, s, env, userItem(t, "u1", at))
	wantProps(t, getUser(t, s, env, "u1").Properties, at)

	err := s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, "u1", `{"n":{"a":[1,2],"b":{"c":false}}}`),
	})
	wantItemError(t, err, 0)
	wantProps(t, getUser(t, s, env, "u1").Properties, at)
}

// bytesAtomicRejection sends a batch whose third item breaks the size limit:
// nothing of the batch is written.
func (h harness) bytesAtomicRejection(t *testing.T) {
	s := h.storeWithBytes(t, 40)
	identify(t, s, env, userItem(t, "u0", fmt.Sprintf(`{"a":%s}`, text(19)), member(t, "g0", `{}`)))
	before := getUser(t, s, env, "u0")

	err := s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, "new", `{"x":1}`, member(t, "gnew", `null`)),
		userItem(t, "u0", fmt.Sprintf(`{"b":%s}`, text(9)), member(t, "g0", `{"b":2}`)),
		userItem(t, "u0", fmt.Sprintf(`{"c":%s}`, text(10))),
		userItem(t, "later", `{"x":1}`),
	})
	wantItemError(t, err, 2)

	_, err = s.User(context.Background(), env, "new")
	wantCode(t, err, rollcall.CodeNotFound, "user of a rejected batch")
	_, err = s.Group(context.Background(), env, "gnew")
	wantCode(t, err, rollcall.CodeNotFound, "group of a rejected batch")
	after := getUser(t, s, env, "u0")
	wantProps(t, after.Properties, fmt.Sprintf(`{"a":%s}`, text(19)))
	wantProps(t, getGroup(t, s, env, "g0").Properties, `{}`)
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("rejected batch moved updatedAt from %v to %v", before.UpdatedAt, after.UpdatedAt)
	}
}

// bytesGroupLimit breaks the size limit through a group, lone and as a
// user's group.
func (h harness) bytesGroupLimit(t *testing.T) {
	s := h.storeWithBytes(t, 20)
	err := s.Identify(context.Background(), env, []rollcall.Identify{
		groupItem(t, "g1", fmt.Sprintf(`{"a":%s}`, text(10))),
		groupItem(t, "g1", fmt.Sprintf(`{"b":%s}`, text(10))),
	})
	wantItemError(t, err, 1)

	err = s.Identify(context.Background(), env, []rollcall.Identify{
		userItem(t, "u1", `{"a":1}`),
		userItem(t, "u1", `{"b":1}`, member(t, "g2", fmt.Sprintf(`{"a":%s}`, text(20)))),
	})
	wantItemError(t, err, 1)

	_, err = s.Group(context.Background(), env, "g1")
	wantCode(t, err, rollcall.CodeNotFound, "group of a rejected batch")
	_, err = s.User(context.Background(), env, "u1")
	wantCode(t, err, rollcall.CodeNotFound, "user of a rejected batch")
}

// bytesNotRevealed breaks MaxPropertyBytes for two users that store
// different sizes: the answers must be the same, and name neither size.
func (h harness) bytesNotRevealed(t *testing.T) {
	s := h.storeWithBytes(t, 40)
	identify(t, s, env, userItem(t, "alpha", fmt.Sprintf(`{"a":%s}`, text(29))),
		userItem(t, "bravo", fmt.Sprintf(`{"a":%s}`, text(9))))

	send := fmt.Sprintf(`{"z":%s}`, text(35))
	a := rejectedDetails(t, s, 0, userItem(t, "alpha", send))
	b := rejectedDetails(t, s, 0, userItem(t, "bravo", send))
	wantSameAnswer(t, a, b, "alpha", "bravo")
	for _, size := range []string{"66", "46"} {
		if strings.Contains(a, size) {
			t.Fatalf("details %q reveal the size %s after the merge", a, size)
		}
	}
}

// bytesOffenderFailsAlone sends many single identifies at once, every other
// one too big for its user. Stores that share a transaction between callers
// must still fail each offender alone.
func (h harness) bytesOffenderFailsAlone(t *testing.T) {
	s := h.storeWithBytes(t, 40)
	const writers = 16
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		size := 10
		if i%2 == 1 {
			size = 40
		}
		item := userItem(t, fmt.Sprint("u", i), fmt.Sprintf(`{"a":%s}`, text(size)),
			member(t, "shared", `{}`))
		wg.Go(func() {
			errs[i] = s.Identify(context.Background(), env, []rollcall.Identify{item})
		})
	}
	wg.Wait()

	for i, err := range errs {
		if i%2 == 1 {
			wantItemError(t, err, 0)
			_, err = s.User(context.Background(), env, fmt.Sprint("u", i))
			wantCode(t, err, rollcall.CodeNotFound, "user over the size limit")
		} else if err != nil {
			t.Fatalf("write %d within the limit: %v", i, err)
		}
	}
	if g := getGroup(t, s, env, "shared"); g.MemberCount != writers/2 {
		t.Fatalf("shared group has %d members, want %d", g.MemberCount, writers/2)
	}
}

// oneUserHundredTimes sends a full batch naming one user and one group in
// every item, each with a key of its own: every key must be there after.
func (h harness) oneUserHundredTimes(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "u1", `{"first":true}`))
	items := make([]rollcall.Identify, rollcall.MaxBatchItems)
	for i := range items {
		js := fmt.Sprintf(`{"k%d":%d}`, i, i)
		items[i] = userItem(t, "u1", js, member(t, "g1", js))
	}
	identify(t, s, env, items...)

	u := getUser(t, s, env, "u1")
	g := getGroup(t, s, env, "g1")
	if len(u.Properties) != len(items)+1 || len(g.Properties) != len(items) {
		t.Fatalf("after the batch: user has %d keys, group %d; want %d and %d",
			len(u.Properties), len(g.Properties), len(items)+1, len(items))
	}
	for i := range items {
		key, want := fmt.Sprintf("k%d", i), []byte(fmt.Sprint(i))
		if err := sameJSON(u.Properties[key], want); err != nil {
			t.Fatalf("user key %s: %v", key, err)
		}
		if err := sameJSON(g.Properties[key], want); err != nil {
			t.Fatalf("group key %s: %v", key, err)
		}
	}
	if g.MemberCount != 1 || len(u.Groups) != 1 {
		t.Fatalf("membership: group has %d members, user %v groups", g.MemberCount, u.Groups)
	}
}
