package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/rollcall/rollcall"
)

// wireUser is a user as the read endpoints answer it.
type wireUser struct {
	Identifier string              `json:"identifier"`
	Properties rollcall.Properties `json:"properties"`
	Groups     []string            `json:"groups"`
	CreatedAt  time.Time           `json:"createdAt"`
	UpdatedAt  time.Time           `json:"updatedAt"`
}

func (u wireUser) user() rollcall.User {
	return rollcall.User(u)
}

// wireGroup is a group as the read endpoints answer it.
type wireGroup struct {
	Identifier  string              `json:"identifier"`
	Properties  rollcall.Properties `json:"properties"`
	MemberCount int                 `json:"memberCount"`
	CreatedAt   time.Time           `json:"createdAt"`
	UpdatedAt   time.Time           `json:"updatedAt"`
}

type userPage struct {
	Users      []wireUser `json:"users"`
	NextCursor *string    `json:"nextCursor"`
}

type groupPage struct {
	Groups     []wireGroup `json:"groups"`
	NextCursor *string     `json:"nextCursor"`
}

// User returns one user with its groups; an unknown user is a 404 *Error.
func (c *Client) User(ctx context.Context, identifier string) (rollcall.User, error) {
	var u wireUser
	if err := c.do(ctx, http.MethodGet, "/users/"+escape(identifier), nil, &u); err != nil {
		return rollcall.User{}, err
	}
	return u.user(), nil
}

// Users returns one page of users in identifier order. A limit of 0 means
// the server's default; cursor is empty for the first page and otherwise a
// NextCursor from the previous page, empty on the last.
func (c *Client) Users(ctx context.Context, limit int, cursor string) (rollcall.UserPage, error) {
	return c.userPage(ctx, "/users", limit, cursor)
}

// GroupMembers returns one page of a group's members, paged like Users.
func (c *Client) GroupMembers(ctx context.Context, group string, limit int,
	cursor string) (rollcall.UserPage, error) {
	return c.userPage(ctx, "/groups/"+escape(group)+"/users", limit, cursor)
}

func (c *Client) userPage(ctx context.Context, path string, limit int,
	cursor string) (rollcall.UserPage, error) {
	var page userPage
	if err := c.do(ctx, http.MethodGet, path+pageQuery(limit, cursor), nil, &page); err != nil {
		return rollcall.UserPage{}, err
	}

	out := rollcall.UserPage{Users: make([]rollcall.User, len(page.Users))}
	for i, u := range page.Users {
		out.Users[i] = u.user()
	}
	if page.NextCursor != nil {
		out.NextCursor = *page.NextCursor
	}
	return out, nil
}

// AllUsers walks every user page by page, limit users a request (0 for the
// server's default). It stops at the first error, which it yields.
func (c *Client) AllUsers(ctx context.Context, limit int) iter.Seq2[rollcall.User, error] {
	return func(yield func(rollcall.User, error) bool) {
		cursor := ""
		for {
			page, err := c.Users(ctx, limit, cursor)
			if err != nil {
				yield(rollcall.User{}, err)
				return
			}
			for _, u := range page.Users {
				if !yield(u, nil) {
					return
				}
			}
			if page.NextCursor == "" {
				return
			}
			cursor = page.NextCursor
		}
	}
}

// Group returns one group with its member count; an unknown group is a 404
// *Error.
func (c *Client) Group(ctx context.Context, identifier string) (rollcall.Group, error) {
	var g wireGroup
	if err := c.do(ctx, http.MethodGet, "/groups/"+escape(identifier), nil, &g); err != nil {
		return rollcall.Group{}, err
	}
	return rollcall.Group(g), nil
}

// Groups returns one page of groups in identifier order, paged like Users.
func (c *Client) Groups(ctx context.Context, limit int, cursor string) (rollcall.GroupPage, error) {
	var page groupPage
	path := "/groups" + pageQuery(limit, cursor)
	if err := c.do(ctx, http.MethodGet, path, nil, &page); err != nil {
		return rollcall.GroupPage{}, err
	}

	out := rollcall.GroupPage{Groups: make([]rollcall.Group, len(page.Groups))}
	for i, g := range page.Groups {
		out.Groups[i] = rollcall.Group(g)
	}
	if page.NextCursor != nil {
		out.NextCursor = *page.NextCursor
	}
	return out, nil
}

// DeleteUser removes a user and its memberships.
func (c *Client) DeleteUser(ctx context.Context, identifier string) error {
	return c.do(ctx, http.MethodDelete, "/users/"+escape(identifier), nil, nil)
}

// DeleteGroup removes a group and its memberships; its users stay.
func (c *Client) DeleteGroup(ctx context.Context, identifier string) error {
	return c.do(ctx, http.MethodDelete, "/groups/"+escape(identifier), nil, nil)
}

// DeleteMembership removes user's membership of group.
func (c *Client) DeleteMembership(ctx context.Context, user, group string) error {
	path := "/users/" + escape(user) + "/groups/" + escape(group)
	return c.do(ctx, http.MethodDelete, path, nil, nil)
}

func pageQuery(limit int, cursor string) string {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
