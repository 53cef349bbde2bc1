package webui

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rollcall/rollcall"
)

// userRow is one line of the users list.
type userRow struct {
	Identifier string
	Label      string
	UpdatedAt  time.Time
}

// usersBody is the users list page.
type usersBody struct {
	Search  string
	Rows    []userRow
	First   string // link to the first page, when not on it
	Next    string // link to the next page, when there is one
	Deleted string // identifier of a user just deleted
}

func (ui *UI) usersPage(w http.ResponseWriter, r *http.Request, s session) error {
	q := r.URL.Query()
	search := strings.TrimSpace(q.Get("q"))
	query := rollcall.UserQuery{
		PageRequest: rollcall.PageRequest{Limit: pageSize, Cursor: q.Get("cursor")},
		Order:       rollcall.ByUpdatedDesc,
		Search:      search,
	}
	page, err := ui.store.Users(r.Context(), s.env, query)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}

	body := usersBody{Search: search, Rows: userRows(page.Users), Deleted: ui.takeNotice(w, r, s)}
	if page.NextCursor != "" {
		body.Next = listLink("/ui/users", search, page.NextCursor)
	}
	if query.Cursor != "" {
		body.First = listLink("/ui/users", search, "")
	}
	return ui.render(w, http.StatusOK, "users", s.view("Users", "users", body))
}

func userRows(users []rollcall.User) []userRow {
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = userRow{Identifier: u.Identifier, Label: label(u.Properties), UpdatedAt: u.UpdatedAt}
	}
	return rows
}

// listLink returns the link to one page of a list.
func listLink(path, search, cursor string) string {
	v := url.Values{}
	if search != "" {
		v.Set("q", search)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// userBody is the page of one user.
type userBody struct {
	User       rollcall.User
	Properties []property
}

func (ui *UI) userPage(w http.ResponseWriter, r *http.Request, s session) error {
	u, err := ui.user(r, s)
	if err != nil {
		return err
	}
	body := userBody{User: u, Properties: properties(u.Properties)}
	return ui.render(w, http.StatusOK, "user", s.view(u.Identifier, "users", body))
}

// user reads the user named by the request's path.
func (ui *UI) user(r *http.Request, s session) (rollcall.User, error) {
	id := r.PathValue("id")
	u, err := ui.store.User(r.Context(), s.env, id)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return u, &pageError{http.StatusNotFound, fmt.Sprintf(
			"There is no user %s in the environment %s. It may have been deleted.",
			rollcall.QuoteID(id), s.env)}
	}
	if err != nil {
		return u, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

// confirmDeletePage asks before deleting; the user's page opens the same
// question in a dialog when scripts run.
func (ui *UI) confirmDeletePage(w http.ResponseWriter, r *http.Request, s session) error {
	u, err := ui.user(r, s)
	if err != nil {
		return err
	}
	return ui.render(w, http.StatusOK, "confirm", s.view("Delete "+u.Identifier, "users", u))
}

func (ui *UI) deleteUser(w http.ResponseWriter, r *http.Request, s session) error {
	id := r.PathValue("id")
	err := ui.store.DeleteUser(r.Context(), s.env, id)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return &pageError{http.StatusNotFound, fmt.Sprintf(
			"There is no user %s in the environment %s: it may have been deleted already.",
			rollcall.QuoteID(id), s.env)}
	}
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}

	ui.log(r.Context(), slog.LevelInfo, "user deleted from the web pages",
		"env", s.env, "key_prefix", s.prefix)
	http.SetCookie(w, ui.cookie(deletedCookie, signNotice(s, id), 60))
	http.Redirect(w, r, "/ui/users", http.StatusSeeOther)
	return nil
}
