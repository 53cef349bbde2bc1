package sqlite

import "testing"

func TestHasPrefixFold(t *testing.T) {
	cases := []struct {
		s, prefix string
		want      bool
	}{
		{"Alice@example.com", "alice", true},
		{"ÉMILE@example.com", "émi", true},
		{"émile", "ÉMILE", true},
		{"al", "alice", false},
		{"alice", "", true},
		{"", "", true},
		{"bob", "al", false},
		{"a_b", "a%", false},
	}
	for _, c := range cases {
		t.Run(c.s+"/"+c.prefix, func(t *testing.T) {
			if got := hasPrefixFold(c.s, c.prefix); got != c.want {
				t.Fatalf("hasPrefixFold(%q, %q) = %v, want %v", c.s, c.prefix, got, c.want)
			}
		})
	}
}
