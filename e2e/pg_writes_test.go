package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// requestTimeout turns a request that hangs into a failure; no test
// measures how long a request takes.
const requestTimeout = 30 * time.Second

// write is one property that one request sets on one user.
type write struct {
	user, key string
	value     int
}

// identifyBody is the body of a POST /identify that makes w.
func (w write) identifyBody() string {
	return fmt.Sprintf(`{"identifier": %q, "properties": {%q: %d}}`, w.user, w.key, w.value)
}

// batchBody is the body of a POST /identify/batch that makes ws in order.
func batchBody(ws []write) string {
	items := make([]string, len(ws))
	for i, w := range ws {
		items[i] = w.identifyBody()
	}
	return "[" + strings.Join(items, ",") + "]"
}

// job is one request that must answer 200 with want.
type job struct {
	url, body, want string
}

// runQueues runs each queue of jobs in a goroutine of its own, all queues at
// once, and fails the test for every answer other than 200 with want.
func runQueues(t testing.TB, key string, queues [][]job) {
	t.Helper()

	client := &http.Client{Timeout: requestTimeout}
	var wg sync.WaitGroup
	for _, q := range queues {
		wg.Go(func() {
			for _, j := range q {
				status, b, err := send(client, "POST", j.url, key, j.body)
				if err != nil || status != 200 || string(b) != j.want {
					t.Errorf("POST %s: %d %s, %v; want 200 %s", j.url, status, b, err, j.want)
				}
			}
		})
	}
	wg.Wait()
}

// checkWrites reads every user that ws name, through each server in turn,
// and fails the test for every property that is missing or differs.
func checkWrites(t testing.TB, servers []*process, key string, ws []write) {
	t.Helper()

	byUser := map[string][]write{}
	var users []string
	for _, w := range ws {
		if byUser[w.user] == nil {
			users = append(users, w.user)
		}
		byUser[w.user] = append(byUser[w.user], w)
	}

	for i, user := range users {
		p := servers[i%len(servers)]
		got := decode(t, mustCall(t, 200, "GET", p.url+"/users/"+user, key, ""))
		props, _ := got["properties"].(map[string]any)
		for _, w := range byUser[user] {
			if v, ok := props[w.key]; !ok || v != float64(w.value) {
				t.Errorf("user %s property %s = %v (present %t), want %d",
					user, w.key, v, ok, w.value)
			}
		}
	}
}

// poll repeats a request until it answers want, and fails the test when it
// has not by the deadline. It returns the body of the answer.
func poll(t testing.TB, method, url, key, body string, want int, within time.Duration) []byte {
	t.Helper()

	client := &http.Client{Timeout: requestTimeout}
	deadline := time.Now().Add(within)
	for {
		status, b, err := send(client, method, url, key, body)
		if err == nil && status == want {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s: still %d %s, %v after %v; want %d",
				method, url, status, b, err, within, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor polls cond until it holds, and fails the test when it has not by
// the deadline.
func waitFor(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()

	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
