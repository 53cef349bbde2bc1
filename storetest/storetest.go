// Package storetest is the contract suite for rollcall.Store. Every store
// adapter runs it from its own tests, so that SQLite, PostgreSQL and any
// later store behave the same through the interface:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t testing.TB, limits rollcall.Limits) rollcall.Store {
//			return openTestStore(t, limits) // fresh, empty, closed by t.Cleanup
//		})
//	}
//
// The suite uses nothing but the rollcall.Store interface.
package storetest

import (
	"context"
	"testing"

	"github.com/rollcall/rollcall"
)

// OpenFunc returns a fresh, empty store built with limits, for the one test
// t. It must fail t itself when the store cannot be opened, and close the
// store when t ends (t.Cleanup). It may be called from parallel tests.
type OpenFunc func(t testing.TB, limits rollcall.Limits) rollcall.Store

// Run checks every store-level behaviour of the wire contract against the
// stores that open returns. Subtests run in parallel, each with its own store.
func Run(t *testing.T, open OpenFunc) {
	h := harness{open: open}

	t.Run("Identify", h.runIdentify)
	t.Run("Limits", h.runLimits)
	t.Run("Timestamps", h.runTimestamps)
	t.Run("Read", h.runRead)
	t.Run("Delete", h.runDelete)
	t.Run("Paging", h.runPaging)
	t.Run("Cursors", h.runCursors)
	t.Run("Query", h.runQuery)
	t.Run("Identifiers", h.runIdentifiers)
	t.Run("Environments", h.runEnvironments)
	t.Run("Keys", h.runKeys)
	t.Run("Ping", func(t *testing.T) {
		t.Parallel()
		if err := h.store(t).Ping(context.Background()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

// harness carries the open function to every scenario.
type harness struct {
	open OpenFunc
}

// store opens a fresh store with the default limits.
func (h harness) store(t testing.TB) rollcall.Store {
	t.Helper()
	return h.open(t, rollcall.DefaultLimits())
}

// storeWithMax opens a fresh store whose MaxProperties is max.
func (h harness) storeWithMax(t testing.TB, max int) rollcall.Store {
	t.Helper()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = max
	return h.open(t, limits)
}

// scenario is one named, parallel case of a group.
type scenario struct {
	name string
	run  func(t *testing.T)
}

// runAll runs each scenario as a parallel subtest.
func runAll(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			sc.run(t)
		})
	}
}
