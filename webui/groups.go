package webui

import (
	"fmt"
	"net/http"

	"github.com/rollcall/rollcall"
)

// groupRow is one line of the groups list.
type groupRow struct {
	Identifier  string
	Name        string
	MemberCount int
}

// groupsBody is the groups list page.
type groupsBody struct {
	Rows  []groupRow
	First string
	Next  string
}

func (ui *UI) groupsPage(w http.ResponseWriter, r *http.Request, s session) error {
	cursor := r.URL.Query().Get("cursor")
	page, err := ui.store.Groups(r.Context(), s.env,
		rollcall.PageRequest{Limit: pageSize, Cursor: cursor})
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}

	body := groupsBody{Rows: make([]groupRow, len(page.Groups))}
	for i, g := range page.Groups {
		name, _ := stringValue(g.Properties["name"])
		body.Rows[i] = groupRow{Identifier: g.Identifier, Name: name, MemberCount: g.MemberCount}
	}
	if page.NextCursor != "" {
		body.Next = listLink("/ui/groups", "", page.NextCursor)
	}
	if cursor != "" {
		body.First = "/ui/groups"
	}
	return ui.render(w, http.StatusOK, "groups", s.view("Groups", "groups", body))
}

// groupBody is the page of one group with one page of its members.
type groupBody struct {
	Group      rollcall.Group
	Properties []property
	Members    []userRow
	First      string
	Next       string
}

func (ui *UI) groupPage(w http.ResponseWriter, r *http.Request, s session) error {
	id := r.PathValue("id")
	g, err := ui.store.Group(r.Context(), s.env, id)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return &pageError{http.StatusNotFound, fmt.Sprintf(
			"There is no group %s in the environment %s.", rollcall.QuoteID(id), s.env)}
	}
	if err != nil {
		return fmt.Errorf("read group: %w", err)
	}

	cursor := r.URL.Query().Get("cursor")
	members, err := ui.store.GroupMembers(r.Context(), s.env, id,
		rollcall.PageRequest{Limit: pageSize, Cursor: cursor})
	if err != nil {
		return fmt.Errorf("list group members: %w", err)
	}

	body := groupBody{Group: g, Properties: properties(g.Properties), Members: userRows(members.Users)}
	self := pathFor("/ui/groups/", id)
	if members.NextCursor != "" {
		body.Next = listLink(self, "", members.NextCursor)
	}
	if cursor != "" {
		body.First = self
	}
	return ui.render(w, http.StatusOK, "group", s.view(id, "groups", body))
}
