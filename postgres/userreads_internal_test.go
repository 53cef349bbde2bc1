package postgres

import (
	"strings"
	"testing"
)

// TestReadBatchSurvivesAPanic runs a batch on a store with no pool, whose
// query panics: every read of the batch must fail with an error, rather
// than be told its user does not exist or take the process down.
func TestReadBatchSurvivesAPanic(t *testing.T) {
	t.Parallel()
	s := &Store{}
	batch := []*userRead{
		{env: "prod", identifier: "a", done: make(chan userReadResult, 1)},
		{env: "prod", identifier: "b", done: make(chan userReadResult, 1)},
	}
	s.readBatch(batch)

	for _, r := range batch {
		res := <-r.done
		if res.err == nil || !strings.Contains(res.err.Error(), "panicked") {
			t.Errorf("read %s after a panic = found %v, error %v; want the panic as an error",
				r.identifier, res.found, res.err)
		}
	}
}
