package rollcall_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

func TestWireFormsNeverNull(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 31, 9, 15, 2, 123456789, time.FixedZone("x", 3600))

	user, err := json.Marshal(rollcall.NewUserJSON(rollcall.User{Identifier: "u", CreatedAt: at, UpdatedAt: at}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"identifier":"u","properties":{},"groups":[],` +
		`"createdAt":"2026-01-31T08:15:02.123Z","updatedAt":"2026-01-31T08:15:02.123Z"}`
	if string(user) != want {
		t.Errorf("user = %s\nwant   %s", user, want)
	}

	group, err := json.Marshal(rollcall.NewGroupJSON(rollcall.Group{Identifier: "g", MemberCount: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(group); got != `{"identifier":"g","properties":{},"memberCount":2,`+
		`"createdAt":"0001-01-01T00:00:00.000Z","updatedAt":"0001-01-01T00:00:00.000Z"}` {
		t.Errorf("group = %s", got)
	}
}
