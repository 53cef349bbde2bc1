package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestSegmentIgnoredEventsWithTextStrictDecodingRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	ignored := []struct{ name, body string }{
		{"track with a lone surrogate", `{"type":"track","event":"\udfff","userId":"u"}`},
		{"page with a lone surrogate", `{"type":"page","properties":{"t":"\ud800"}}`},
		{"screen with invalid UTF-8", "{\"type\":\"screen\",\"name\":\"\xff\"}"},
		{"alias with invalid UTF-8", "{\"type\":\"alias\",\"previousId\":\"\xc3\"}"},
		{"anonymous identify with a lone surrogate",
			`{"type":"identify","anonymousId":"\udfff"}`},
		{"identify with a null userId and invalid UTF-8",
			"{\"type\":\"identify\",\"userId\":null,\"traits\":{\"a\":\"\xfe\"}}"},
	}
	for _, c := range ignored {
		t.Run(c.name, func(t *testing.T) {
			w := f.do(t, "POST", "/identify/segment", f.server, c.body)
			if w.Code != http.StatusOK || w.Body.String() != "{\"count\":0}\n" {
				t.Fatalf("answer = %d %s, want 200 {\"count\":0}", w.Code, w.Body)
			}
		})
	}

	refused := []struct{ name, body, detail string }{
		{"identify with a user and a lone surrogate",
			`{"type":"identify","userId":"u","traits":{"a":"\udfff"}}`, "surrogate"},
		{"group with invalid UTF-8", "{\"type\":\"group\",\"groupId\":\"\xff\"}", "UTF-8"},
		{"unknown type with a lone surrogate", `{"type":"boom","x":"\udfff"}`, "surrogate"},
		{"a type in another case", `{"TYPE":"track","x":"\udfff"}`, "surrogate"},
		{"not JSON at all", `{"type":"track",`, "not valid JSON"},
		{"track with trailing data", `{"type":"track","x":"\udfff"} {}`, "surrogate"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			w := f.do(t, "POST", "/identify/segment", f.server, c.body)
			wantError(t, w, http.StatusBadRequest, rollcall.CodeInvalid, c.detail)
		})
	}
}
