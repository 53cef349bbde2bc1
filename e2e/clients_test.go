package e2e_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// nodeDir holds the package.json pinning the published clients and the
// script that drives them.
const nodeDir = "node"

// clientOutcome is the JSON line drive.mjs prints: what the client's call
// returned, or what it threw.
type clientOutcome struct {
	OK         bool            `json:"ok"`
	Result     json.RawMessage `json:"result"`
	ErrorClass string          `json:"errorClass"`
	StatusCode int             `json:"statusCode"`
	Body       json.RawMessage `json:"body"`
	Message    string          `json:"message"`
}

// npmInstall installs the pinned clients into node/node_modules.
func npmInstall(t testing.TB) {
	t.Helper()

	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = nodeDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install in e2e/node: %v\n%s", err, out)
	}
}

// drive makes one call with a Dopt client ("node" or "browser") through
// drive.mjs and returns its outcome.
func drive(t testing.TB, url, key, client, method, payload string) clientOutcome {
	t.Helper()

	cmd := exec.Command("node", "drive.mjs", client, method, payload)
	cmd.Dir = nodeDir
	cmd.Env = append(os.Environ(), "ROLLCALL_URL="+url, "ROLLCALL_KEY="+key)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node drive.mjs %s %s: %v\n%s", client, method, err, stderrOf(err))
	}

	var o clientOutcome
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatalf("decode drive.mjs output %q: %v", out, err)
	}
	return o
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// wantOK fails the test unless the client call succeeded.
func wantOK(t testing.TB, o clientOutcome) {
	t.Helper()
	if !o.OK {
		t.Fatalf("client threw %s (status %d): %s", o.ErrorClass, o.StatusCode, o.Message)
	}
}

// wantThrown fails the test unless the client threw errorClass for status
// with an error body carrying code.
func wantThrown(t testing.TB, o clientOutcome, errorClass string, status int, code string) {
	t.Helper()

	if o.OK {
		t.Fatalf("client call succeeded with %s, want %s", o.Result, errorClass)
	}
	if o.ErrorClass != errorClass || o.StatusCode != status {
		t.Errorf("client threw %s with status %d, want %s with %d: %s",
			o.ErrorClass, o.StatusCode, errorClass, status, o.Message)
	}

	var body struct{ Code, Details string }
	if err := json.Unmarshal(o.Body, &body); err != nil {
		t.Fatalf("error body %s is not the API's error JSON: %v", o.Body, err)
	}
	if body.Code != code || body.Details == "" {
		t.Errorf("error body %s, want code %s and details", o.Body, code)
	}
}

// jsonValue decodes a JSON literal for comparison with a decoded answer.
func jsonValue(t testing.TB, s string) any {
	t.Helper()

	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func TestDoptClients(t *testing.T) {
	npmInstall(t)
	db := tempDB(t)
	server := createKey(t, db, "production", "server")
	browser := createKey(t, db, "production", "browser")
	p := startRollcall(t, db)

	clients := []struct{ name, key string }{{"node", server}, {"browser", browser}}
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			s := clientScenario{url: p.url, key: c.key, server: server, client: c.name,
				id: func(name string) string { return c.name + "-" + name }}
			s.run(t)
		})
	}
}

// clientScenario drives one client. Reads use the server key from Go, so
// the browser key's writes are checked the same way.
type clientScenario struct {
	url, key, server, client string
	// id names a user or group of this client's own, so the clients share
	// a server without sharing data.
	id func(string) string
}

func (s clientScenario) call(t testing.TB, method, payload string) clientOutcome {
	t.Helper()
	return drive(t, s.url, s.key, s.client, method, payload)
}

// read fetches path with the server key and decodes the answer.
func (s clientScenario) read(t testing.TB, path string) map[string]any {
	t.Helper()
	return decode(t, mustCall(t, 200, "GET", s.url+path, s.server, ""))
}

func (s clientScenario) run(t *testing.T) {
	u1, g1 := s.id("u1"), s.id("g1")

	t.Run("identify with groups", func(t *testing.T) {
		wantOK(t, s.call(t, "identifyUser", `{"identifier": "`+u1+`",
			"properties": {"plan": "free", "seats": 3, "tags": ["a", {"b": null}], "gone": null},
			"groups": [{"identifier": "`+g1+`", "properties": {"tier": "gold"}}]}`))

		user := s.read(t, "/users/"+u1)
		want := jsonValue(t, `{"plan": "free", "seats": 3, "tags": ["a", {"b": null}],
			"gone": null}`)
		if !reflect.DeepEqual(user["properties"], want) {
			t.Errorf("properties = %v, want %v", user["properties"], want)
		}
		if !reflect.DeepEqual(user["groups"], []any{g1}) {
			t.Errorf("groups = %v, want [%s]", user["groups"], g1)
		}
		group := s.read(t, "/groups/"+g1)
		if group["memberCount"] != 1.0 || !reflect.DeepEqual(group["properties"],
			jsonValue(t, `{"tier": "gold"}`)) {
			t.Errorf("group = %v, want tier gold and one member", group)
		}
	})

	t.Run("second identify merges", func(t *testing.T) {
		wantOK(t, s.call(t, "identifyUser", `{"identifier": "`+u1+`",
			"properties": {"plan": "pro", "city": "Oslo"}}`))

		got := s.read(t, "/users/"+u1)["properties"]
		want := jsonValue(t, `{"plan": "pro", "seats": 3, "tags": ["a", {"b": null}],
			"gone": null, "city": "Oslo"}`)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("properties after merge = %v, want %v", got, want)
		}
	})

	t.Run("batch answers its count", func(t *testing.T) {
		b1, b2 := s.id("b1"), s.id("b2")
		o := s.call(t, "identifyUsers", `[{"identifier": "`+b1+`", "properties": {"a": 1}},
			{"identifier": "`+b2+`"}, {"identifier": "`+b1+`", "properties": {"b": 2}}]`)
		wantOK(t, o)

		if got := string(o.Result); got != `{"count":3}` {
			t.Errorf("identifyUsers returned %s, want {\"count\":3}", got)
		}
		if got := s.read(t, "/users/"+b1)["properties"]; !reflect.DeepEqual(got,
			jsonValue(t, `{"a": 1, "b": 2}`)) {
			t.Errorf("%s properties = %v, want a and b", b1, got)
		}
		s.read(t, "/users/"+b2)
	})

	t.Run("group identify", func(t *testing.T) {
		g2 := s.id("g2")
		wantOK(t, s.call(t, "identifyGroup", `{"identifier": "`+g2+`",
			"properties": {"name": "Acme", "employees": 250}}`))

		got := s.read(t, "/groups/"+g2)["properties"]
		if !reflect.DeepEqual(got, jsonValue(t, `{"name": "Acme", "employees": 250}`)) {
			t.Errorf("group properties = %v", got)
		}
	})

	s.runErrors(t)
}

func (s clientScenario) runErrors(t *testing.T) {
	t.Run("bad key throws UnauthorizedError", func(t *testing.T) {
		bad := "rcs_" + strings.Repeat("x", 40)
		o := drive(t, s.url, bad, s.client, "identifyUser", `{"identifier": "nobody"}`)
		wantThrown(t, o, "UnauthorizedError", 401, "unauthorized_error")
	})

	t.Run("bad body throws BadRequestError", func(t *testing.T) {
		o := s.call(t, "identifyUser", `{"identifier": "`+s.id("bad")+`",
			"properties": "not an object"}`)
		wantThrown(t, o, "BadRequestError", 400, "invalid_request_error")
		mustCall(t, 404, "GET", s.url+"/users/"+s.id("bad"), s.server, "")
	})

	t.Run("bad batch item is named", func(t *testing.T) {
		o := s.call(t, "identifyUsers", `[{"identifier": "`+s.id("ok")+`"},
			{"identifier": 1.5}]`)
		wantThrown(t, o, "BadRequestError", 400, "invalid_request_error")
		if !strings.Contains(string(o.Body), "item 1") {
			t.Errorf("error body %s does not name item 1", o.Body)
		}
		mustCall(t, 404, "GET", s.url+"/users/"+s.id("ok"), s.server, "")
	})
}
