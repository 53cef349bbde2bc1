package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/rollcall/rollcall"
)

// maxLimit is the largest page a list endpoint serves.
const maxLimit = 1000

type userPageJSON struct {
	Users      []rollcall.UserJSON `json:"users"`
	NextCursor string              `json:"nextCursor,omitempty"`
}

type groupPageJSON struct {
	Groups     []rollcall.GroupJSON `json:"groups"`
	NextCursor string               `json:"nextCursor,omitempty"`
}

func toUserPage(p rollcall.UserPage) userPageJSON {
	out := userPageJSON{
		Users:      make([]rollcall.UserJSON, 0, len(p.Users)),
		NextCursor: p.NextCursor,
	}
	for _, u := range p.Users {
		out.Users = append(out.Users, rollcall.NewUserJSON(u))
	}
	return out
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	id, err := pathIdentifier(r, "identifier", "user")
	if err != nil {
		return err
	}

	u, err := a.store.User(r.Context(), key.Environment, id)
	if err != nil {
		return notFound(err, "user", id, "read user")
	}
	writeJSON(w, http.StatusOK, rollcall.NewUserJSON(u))
	return nil
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	page, err := pageRequest(r)
	if err != nil {
		return err
	}

	users, err := a.store.Users(r.Context(), key.Environment, rollcall.UserQuery{PageRequest: page})
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	writeJSON(w, http.StatusOK, toUserPage(users))
	return nil
}

func (a *API) getGroup(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	id, err := pathIdentifier(r, "identifier", "group")
	if err != nil {
		return err
	}

	g, err := a.store.Group(r.Context(), key.Environment, id)
	if err != nil {
		return notFound(err, "group", id, "read group")
	}
	writeJSON(w, http.StatusOK, rollcall.NewGroupJSON(g))
	return nil
}

func (a *API) listGroups(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	page, err := pageRequest(r)
	if err != nil {
		return err
	}

	groups, err := a.store.Groups(r.Context(), key.Environment, page)
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	out := groupPageJSON{
		Groups:     make([]rollcall.GroupJSON, 0, len(groups.Groups)),
		NextCursor: groups.NextCursor,
	}
	for _, g := range groups.Groups {
		out.Groups = append(out.Groups, rollcall.NewGroupJSON(g))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	group, err := pathIdentifier(r, "identifier", "group")
	if err != nil {
		return err
	}
	page, err := pageRequest(r)
	if err != nil {
		return err
	}

	users, err := a.store.GroupMembers(r.Context(), key.Environment, group, page)
	if err != nil {
		return notFound(err, "group", group, "list members")
	}
	writeJSON(w, http.StatusOK, toUserPage(users))
	return nil
}

func (a *API) deleteUser(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	user, err := pathIdentifier(r, "identifier", "user")
	if err != nil {
		return err
	}

	if err := a.store.DeleteUser(r.Context(), key.Environment, user); err != nil {
		return notFound(err, "user", user, "delete user")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	group, err := pathIdentifier(r, "identifier", "group")
	if err != nil {
		return err
	}

	if err := a.store.DeleteGroup(r.Context(), key.Environment, group); err != nil {
		return notFound(err, "group", group, "delete group")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) deleteMembership(w http.ResponseWriter, r *http.Request, key rollcall.APIKey) error {
	user, err := pathIdentifier(r, "identifier", "user")
	if err != nil {
		return err
	}
	group, err := pathIdentifier(r, "group", "group")
	if err != nil {
		return err
	}

	// A store's not-found details say whether the user, the group or the
	// membership is missing.
	err = a.store.DeleteMembership(r.Context(), key.Environment, user, group)
	if err != nil {
		return fmt.Errorf("delete membership: %w", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pageRequest reads the limit and cursor query parameters. An empty limit
// is the default.
func pageRequest(r *http.Request) (rollcall.PageRequest, error) {
	q := r.URL.Query()
	p := rollcall.PageRequest{Limit: rollcall.DefaultPageLimit, Cursor: q.Get("cursor")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return p, rollcall.Errorf(rollcall.CodeInvalid,
				"limit must be a whole number from 1 to %d, not %.20q", maxLimit, s)
		}
		p.Limit = n
	}
	return p, nil
}
