package groupcommit_test

import (
	"testing"

	"github.com/rollcall/rollcall/internal/groupcommit"
)

func TestGather(t *testing.T) {
	t.Parallel()
	queue := make(chan int, 10)
	for i := 2; i <= 6; i++ {
		queue <- i
	}

	if got := groupcommit.Gather(1, queue, 4); len(got) != 4 || got[0] != 1 || got[3] != 4 {
		t.Fatalf("Gather with a bound of 4 = %v, want [1 2 3 4]", got)
	}
	if got := groupcommit.Gather(7, queue, 4); len(got) != 3 || got[2] != 6 {
		t.Fatalf("Gather of what is left = %v, want [7 5 6]", got)
	}
	if got := groupcommit.Gather(8, queue, 4); len(got) != 1 {
		t.Fatalf("Gather on an empty queue = %v, want [8] at once", got)
	}
}
