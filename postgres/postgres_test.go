package postgres_test

import (
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB, limits rollcall.Limits) rollcall.Store {
		return openStore(t, limits)
	})
}
