package e2e_test

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/pgtest"
	"github.com/rollcall/rollcall/internal/tcpproxy"
)

// Sizes of the load on two servers sharing one database: every writer of
// every server writes each shared user in turn, so the users are written
// from both processes at once.
const (
	sharedUsers      = 20
	writersPerServer = 8
	writesPerWriter  = 20
	batchesPerServer = 4
)

// revokeWithin bounds how long a revoked key may keep working: the servers
// cache key lookups on PostgreSQL for 3 seconds.
const revokeWithin = 10 * time.Second

func TestPostgresSharedByTwoServers(t *testing.T) {
	t.Parallel()
	db := newPostgresDB(t)
	key := createKey(t, db, "production", "server")
	servers := []*process{startRollcall(t, db), startRollcall(t, db)}

	t.Run("concurrent identifies of the same users all survive", func(t *testing.T) {
		queues, writes := identifyPlan(servers)
		runQueues(t, key, queues)
		checkWrites(t, servers, key, writes)
	})

	t.Run("concurrent batches to both servers all survive", func(t *testing.T) {
		queues, writes := batchPlan(servers)
		runQueues(t, key, queues)
		checkWrites(t, servers, key, writes)
	})

	t.Run("a revoked key stops working on both servers", func(t *testing.T) {
		doomed := createKey(t, db, "production", "server")
		for _, p := range servers {
			// Each server now has the key in its cache.
			mustCall(t, 200, "GET", p.url+"/users/shared-00", doomed, "")
		}

		revokeKey(t, db, doomed[:12])
		for _, p := range servers {
			b := poll(t, "POST", p.url+"/identify", doomed, `{"identifier": "late"}`,
				401, revokeWithin)
			if code := errorCode(b); code != "unauthorized_error" {
				t.Errorf("revoked key answered %s, want unauthorized_error", b)
			}
			mustCall(t, 200, "GET", p.url+"/users/shared-00", key, "")
		}
	})
}

// identifyPlan returns one queue of single identifies per writer of each
// server, each request setting a property of its own on a shared user, and
// every write the queues make.
func identifyPlan(servers []*process) ([][]job, []write) {
	var queues [][]job
	var writes []write
	for s, p := range servers {
		for w := range writersPerServer {
			var q []job
			for i := range writesPerWriter {
				wr := write{
					user:  fmt.Sprintf("shared-%02d", (w+i)%sharedUsers),
					key:   fmt.Sprintf("server%d-writer%d-%d", s, w, i),
					value: (s*writersPerServer+w)*writesPerWriter + i,
				}
				q = append(q, job{url: p.url + "/identify", body: wr.identifyBody(),
					want: `{"count":1}` + "\n"})
				writes = append(writes, wr)
			}
			queues = append(queues, q)
		}
	}
	return queues, writes
}

// batchPlan returns one queue per batch, all sent at once: each batch sets a
// property of its own on every shared user.
func batchPlan(servers []*process) ([][]job, []write) {
	var queues [][]job
	var writes []write
	for s, p := range servers {
		for b := range batchesPerServer {
			var ws []write
			for u := range sharedUsers {
				ws = append(ws, write{user: fmt.Sprintf("shared-%02d", u),
					key: fmt.Sprintf("batch-server%d-%d", s, b), value: u})
			}
			want := fmt.Sprintf(`{"count":%d}`+"\n", len(ws))
			queues = append(queues, []job{{url: p.url + "/identify/batch",
				body: batchBody(ws), want: want}})
			writes = append(writes, ws...)
		}
	}
	return queues, writes
}

// revokeKey runs the real keys revoke command on a key's prefix.
func revokeKey(t testing.TB, db, prefix string) {
	t.Helper()

	out, err := exec.Command(binary, "keys", "revoke", "--db", db, prefix).CombinedOutput()
	if err != nil {
		t.Fatalf("keys revoke %s: %v\n%s", prefix, err, out)
	}
}

// outageWithin bounds each wait of the outage test: for the first failures
// after the cut and for the server to answer again after the restore.
const outageWithin = 30 * time.Second

func TestPostgresOutage(t *testing.T) {
	t.Parallel()
	db := newPostgresDB(t)
	key := createKey(t, db, "production", "server")
	proxy := tcpproxy.Start(t, pgtest.Addr(t))
	p := startRollcall(t, withHost(t, db, proxy.Addr()))
	load := startLoad(p.url, key, 3)
	defer load.stopLoad()

	waitFor(t, "writes before the cut", outageWithin, func() bool {
		ok, _ := load.counts(beforeCut)
		return ok >= 10
	})

	proxy.Cut()
	load.phase.Store(duringCut)
	waitFor(t, "failed writes during the cut", outageWithin, func() bool {
		_, failed := load.counts(duringCut)
		return failed >= 10
	})
	b := poll(t, "GET", p.url+"/readyz", "", "", 503, outageWithin)
	if code := errorCode(b); code != "unavailable_error" {
		t.Errorf("/readyz during the cut answered %s, want unavailable_error", b)
	}

	proxy.Restore(t)
	load.phase.Store(afterRestore)
	waitFor(t, "writes after the restore", outageWithin, func() bool {
		ok, _ := load.counts(afterRestore)
		return ok >= 10
	})
	poll(t, "GET", p.url+"/readyz", "", "", 200, outageWithin)

	load.stopLoad()
	acked, problems := load.results()
	t.Logf("%d writes acknowledged; per phase (before, during, after the cut) "+
		"ok %v, failed %v", len(acked), load.ok, load.failed)
	for _, problem := range problems {
		t.Error(problem)
	}
	checkWrites(t, []*process{p}, key, acked)
}
