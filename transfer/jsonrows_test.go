package transfer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/transfer"
)

// manyGroups returns a JSON list of n group objects.
func manyGroups(n int) string {
	groups := make([]string, n)
	for i := range groups {
		groups[i] = fmt.Sprintf(`{"identifier":"g%d"}`, i)
	}
	return "[" + strings.Join(groups, ",") + "]"
}

// TestRowsCheckedAsTheAPIChecks reads rows that POST /identify refuses and
// expects the API's own words, so that an import into a store never
// accepts what the API would not.
func TestRowsCheckedAsTheAPIChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, row, want string
	}{
		{"101 groups", `{"identifier":"u1","groups":` + manyGroups(101) + `}`,
			"groups has 101 entries; at most 100 may be sent in one identify"},
		{"unknown field in a group",
			`{"identifier":"u1","groups":[{"identifier":"g1","name":"Acme"}]}`,
			`groups[0]: unknown field "name"; the fields are identifier and properties`},
		{"group neither object nor identifier", `{"identifier":"u1","groups":[true]}`,
			"groups[0] must be an object with identifier and properties, not a boolean"},
		{"unknown field in the row", `{"identifier":"u1","email":"x"}`,
			`unknown field "email"; the fields are identifier, properties and groups`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows := readAll(t, tc.row+"\n", transfer.JSONLines, transfer.ReadOptions{})
			if len(rows) != 1 || rows[0].Err == nil {
				t.Fatalf("rows %+v; want one rejected row", rows)
			}
			if got := rollcall.ErrorDetails(rows[0].Err, false); got != tc.want {
				t.Errorf("reason %q; want %q", got, tc.want)
			}
		})
	}
}

// TestRowsKeepExportExtras reads an export line, whose read-only fields
// are skipped and whose groups are bare identifiers.
func TestRowsKeepExportExtras(t *testing.T) {
	t.Parallel()
	row := `{"identifier":"u1","groups":["g1",7,{"identifier":"g3"}],` +
		`"createdAt":"2024-01-01T00:00:00.000Z","updatedAt":"x","properties":{"a":1}}`
	rows := readAll(t, row+"\n"+manyGroupsRow(100)+"\n", transfer.JSONLines, transfer.ReadOptions{})
	if len(rows) != 2 {
		t.Fatalf("read %d rows, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Err != nil {
			t.Fatalf("row %d rejected: %v", r.Seq, r.Err)
		}
	}

	var got []string
	for _, g := range rows[0].Item.Groups {
		got = append(got, g.Identifier)
	}
	if strings.Join(got, ",") != "g1,7,g3" || string(rows[0].Item.Properties["a"]) != "1" {
		t.Errorf("item %+v; want groups g1, 7 and g3 and property a", rows[0].Item)
	}
	if n := len(rows[1].Item.Groups); n != 100 {
		t.Errorf("read %d groups, want 100", n)
	}
}

func manyGroupsRow(n int) string {
	return `{"identifier":"u2","groups":` + manyGroups(n) + `}`
}
