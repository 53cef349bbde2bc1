package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
)

func (h harness) runIdentify(t *testing.T) {
	runAll(t, []scenario{
		{"CreateThenMerge", h.createThenMerge},
		{"NullIsAValue", h.nullIsAValue},
		{"NestedValues", h.nestedValues},
		{"ExactNumbers", h.exactNumbers},
		{"NumbersAtTheEdgeOfRange", h.numbersAtTheEdge},
		{"NilPropertiesNoChange", h.nilPropertiesNoChange},
		{"GroupsWithUser", h.groupsWithUser},
		{"IdentifyNeverRemovesMembership", h.neverRemovesMembership},
		{"LoneGroup", h.loneGroup},
		{"BatchInOrder", h.batchInOrder},
		{"EmptyBatch", h.emptyBatch},
		{"ConcurrentMerges", h.concurrentMerges},
	})
}

func (h harness) createThenMerge(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "u1", `{"a":1,"b":"x"}`))
	wantProps(t, getUser(t, s, env, "u1").Properties, `{"a":1,"b":"x"}`)

	identify(t, s, env, userItem(t, "u1", `{"b":"y","c":true}`))
	wantProps(t, getUser(t, s, env, "u1").Properties, `{"a":1,"b":"y","c":true}`)
}

func (h harness) nullIsAValue(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "u1", `{"a":1,"n":null}`))
	wantProps(t, getUser(t, s, env, "u1").Properties, `{"a":1,"n":null}`)

	identify(t, s, env, userItem(t, "u1", `{"a":null}`))
	wantProps(t, getUser(t, s, env, "u1").Properties, `{"a":null,"n":null}`)
}

func (h harness) nestedValues(t *testing.T) {
	s := h.store(t)
	const nested = `{"o":{"x":[1,{"y":null,"z":[[]]}],"e":{}},"arr":[[],[1,"2",false]],` +
		`"s":"a \"quoted\" <tag> & é 😀","dotted.key":1,"$dollar":2}`
	identify(t, s, env, userItem(t, "u1", nested))
	wantProps(t, getUser(t, s, env, "u1").Properties, nested)

	identify(t, s, env, userItem(t, "u1", `{"o":{"only":1}}`))
	want := `{"o":{"only":1},"arr":[[],[1,"2",false]],` +
		`"s":"a \"quoted\" <tag> & é 😀","dotted.key":1,"$dollar":2}`
	wantProps(t, getUser(t, s, env, "u1").Properties, want)
}

func (h harness) exactNumbers(t *testing.T) {
	s := h.store(t)
	const numbers = `{"big":12345678901234567890,"frac":0.1000000000000000055511151231257827,` +
		`"neg":-98765432109876543210.000000000000000001,"exp":1.5e300,"zero":0,"list":[1e-30]}`
	identify(t, s, env, userItem(t, "u1", numbers), groupItem(t, "g1", numbers))
	wantProps(t, getUser(t, s, env, "u1").Properties, numbers)
	wantProps(t, getGroup(t, s, env, "g1").Properties, numbers)

	// A float64 round trip would turn the big integer into ...7168.
	raw := getUser(t, s, env, "u1").Properties["big"]
	if err := sameJSON(raw, []byte("12345678901234567168")); err == nil {
		t.Fatalf("big number came back rounded through float64: %s", raw)
	}
}

// numbersAtTheEdge stores numbers with as many digits after the point as
// the domain lets through (16383, trailing zeros and exponents counted as
// PostgreSQL's numeric counts them): every store must keep them.
func (h harness) numbersAtTheEdge(t *testing.T) {
	s := h.store(t)
	edge := `{"digits":0.` + strings.Repeat("7", 16383) + `,` +
		`"zeros":1.` + strings.Repeat("0", 16383) + `,` +
		`"exp":1.5e-16382,"shifted":100e-16383,"tiny":-0.0e-16382}`
	identify(t, s, env, userItem(t, "u1", edge))
	wantProps(t, getUser(t, s, env, "u1").Properties, edge)
}

func (h harness) nilPropertiesNoChange(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "fresh", `null`))
	wantProps(t, getUser(t, s, env, "fresh").Properties, `{}`)

	identify(t, s, env, userItem(t, "u1", `{"a":1}`))
	identify(t, s, env, userItem(t, "u1", `null`))
	identify(t, s, env, userItem(t, "u1", `{}`))
	wantProps(t, getUser(t, s, env, "u1").Properties, `{"a":1}`)
}

func (h harness) groupsWithUser(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "u1", `{"a":1}`,
		member(t, "g2", `null`), member(t, "g1", `{"plan":"pro"}`)))

	u := getUser(t, s, env, "u1")
	wantStrings(t, "u1 groups", u.Groups, []string{"g1", "g2"})
	g1 := getGroup(t, s, env, "g1")
	wantProps(t, g1.Properties, `{"plan":"pro"}`)
	if g1.MemberCount != 1 {
		t.Fatalf("g1 member count: got %d, want 1", g1.MemberCount)
	}
	wantProps(t, getGroup(t, s, env, "g2").Properties, `{}`)

	identify(t, s, env, userItem(t, "u2", `null`, member(t, "g1", `{"seats":3}`)))
	g1 = getGroup(t, s, env, "g1")
	wantProps(t, g1.Properties, `{"plan":"pro","seats":3}`)
	if g1.MemberCount != 2 {
		t.Fatalf("g1 member count: got %d, want 2", g1.MemberCount)
	}
}

func (h harness) neverRemovesMembership(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `null`), member(t, "g2", `null`)))
	identify(t, s, env, userItem(t, "u1", `{"a":1}`, member(t, "g3", `null`)))
	identify(t, s, env, userItem(t, "u1", `{"b":2}`))
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `null`)))

	u := getUser(t, s, env, "u1")
	wantStrings(t, "u1 groups", u.Groups, []string{"g1", "g2", "g3"})
	wantProps(t, u.Properties, `{"a":1,"b":2}`)
	if n := getGroup(t, s, env, "g1").MemberCount; n != 1 {
		t.Fatalf("g1 member count after repeated joins: got %d, want 1", n)
	}
}

func (h harness) loneGroup(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, groupItem(t, "g1", `{"a":1}`))
	identify(t, s, env, groupItem(t, "g1", `{"b":null}`))

	g := getGroup(t, s, env, "g1")
	wantProps(t, g.Properties, `{"a":1,"b":null}`)
	if g.MemberCount != 0 {
		t.Fatalf("lone group member count: got %d, want 0", g.MemberCount)
	}
	_, err := s.User(context.Background(), env, "g1")
	wantCode(t, err, rollcall.CodeNotFound, "a group identify must not create a user")
}

func (h harness) batchInOrder(t *testing.T) {
	s := h.store(t)
	identify(t, s, env,
		userItem(t, "u1", `{"a":1,"b":1}`),
		groupItem(t, "g1", `{"x":1}`),
		userItem(t, "u1", `{"b":2}`, member(t, "g1", `{"y":2}`)),
		userItem(t, "u1", `{"a":3}`),
		groupItem(t, "g1", `{"x":3}`),
	)

	u := getUser(t, s, env, "u1")
	wantProps(t, u.Properties, `{"a":3,"b":2}`)
	wantStrings(t, "u1 groups", u.Groups, []string{"g1"})
	wantProps(t, getGroup(t, s, env, "g1").Properties, `{"x":3,"y":2}`)
}

func (h harness) emptyBatch(t *testing.T) {
	s := h.store(t)
	if err := s.Identify(context.Background(), env, nil); err != nil {
		t.Fatalf("empty Identify: %v", err)
	}
	page, err := s.Users(context.Background(), env, rollcall.UserQuery{})
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	if len(page.Users) != 0 {
		t.Fatalf("empty Identify wrote users: %q", identifiers(page.Users))
	}
}

func (h harness) concurrentMerges(t *testing.T) {
	s := h.store(t)
	const writers = 20
	identify(t, s, env, userItem(t, "u1", `{"base":true}`))

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		js := fmt.Sprintf(`{"k%d":%d}`, i, i)
		item := userItem(t, "u1", js, member(t, "g1", js))
		wg.Go(func() {
			errs <- s.Identify(context.Background(), env, []rollcall.Identify{item})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Identify: %v", err)
		}
	}

	u := getUser(t, s, env, "u1")
	g := getGroup(t, s, env, "g1")
	if len(u.Properties) != writers+1 || len(g.Properties) != writers {
		t.Fatalf("lost updates: user has %s, group has %s",
			describe(u.Properties), describe(g.Properties))
	}
	for i := range writers {
		key := fmt.Sprintf("k%d", i)
		if err := sameJSON(u.Properties[key], []byte(fmt.Sprint(i))); err != nil {
			t.Fatalf("user key %s: %v", key, err)
		}
	}
}
