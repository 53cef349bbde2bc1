package webui

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// deletedCookie carries the identifier of a user just deleted from the
// delete form to the users list, which shows it once. A cookie, not a
// query parameter, so that a link cannot make the page announce a deletion
// that did not happen; it is signed with the session's form token, so a
// cookie set by a neighbouring site is ignored too.
const deletedCookie = "rollcall_deleted"

// signNotice returns the cookie value that names id for session s.
func signNotice(s session, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(id)) + "." +
		base64.RawURLEncoding.EncodeToString(noticeMAC(s, id))
}

func noticeMAC(s session, id string) []byte {
	m := hmac.New(sha256.New, []byte(s.csrf))
	m.Write([]byte("rollcall webui deleted|" + id))
	return m.Sum(nil)
}

// takeNotice returns the identifier the request's deleted cookie names
// for this session, or "" without a valid one, and clears the cookie.
func (ui *UI) takeNotice(w http.ResponseWriter, r *http.Request, s session) string {
	c, err := r.Cookie(deletedCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, ui.cookie(deletedCookie, "", -1))

	idPart, sumPart, _ := strings.Cut(c.Value, ".")
	id, err := base64.RawURLEncoding.DecodeString(idPart)
	if err != nil {
		return ""
	}
	sum, err := base64.RawURLEncoding.DecodeString(sumPart)
	if err != nil || !hmac.Equal(sum, noticeMAC(s, string(id))) {
		return ""
	}
	return string(id)
}
