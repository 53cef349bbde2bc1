package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rollcall/rollcall"
)

const userColumns = `u.id, u.identifier, u.properties, u.created_at, u.updated_at`

// User returns one user with its groups.
func (s *Store) User(ctx context.Context, env, identifier string) (rollcall.User, error) {
	var user rollcall.User
	err := s.read(ctx, func(tx *sql.Tx) error {
		sel := userSelect{from: "users u", where: []string{"u.env = ?", "u.identifier = ?"},
			args: []any{env, identifier}, orderBy: "u.identifier", limit: 1}
		users, err := selectUsers(ctx, tx, sel)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			return noUser(identifier)
		}
		user = users[0]
		return nil
	})
	return user, err
}

// Users returns one page of users in the query's order, filtered by its
// search text.
func (s *Store) Users(
	ctx context.Context, env string, q rollcall.UserQuery,
) (rollcall.UserPage, error) {
	sel := userSelect{from: "users u", where: []string{"u.env = ?"}, args: []any{env}}
	if q.Search != "" {
		sel.search(q.Search)
	}

	var page rollcall.UserPage
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		list := rollcall.UsersListFor(q.Order)
		page, err = userPage(ctx, tx, sel, q.Order, list, q.PageRequest)
		return err
	})
	return page, err
}

// GroupMembers returns one page of a group's members in identifier order.
func (s *Store) GroupMembers(
	ctx context.Context, env, group string, p rollcall.PageRequest,
) (rollcall.UserPage, error) {
	var page rollcall.UserPage
	err := s.read(ctx, func(tx *sql.Tx) error {
		groupID, err := groupRowID(ctx, tx, env, group)
		if err != nil {
			return err
		}

		sel := userSelect{from: "memberships m JOIN users u ON u.id = m.user_id",
			where: []string{"m.group_id = ?"}, args: []any{groupID}}
		page, err = userPage(ctx, tx, sel, rollcall.ByIdentifier, rollcall.MembersList(group), p)
		return err
	})
	return page, err
}

// userSelect is a SELECT of users under construction.
type userSelect struct {
	from    string
	where   []string
	args    []any
	orderBy string
	limit   int
}

func (sel *userSelect) and(cond string, args ...any) {
	sel.where = append(sel.where, cond)
	sel.args = append(sel.args, args...)
}

// search keeps users whose identifier starts with text, byte for byte, or
// whose email property is a string starting with text, ignoring case. LIKE
// is avoided: it folds case, ASCII only, and treats % and _ as wildcards.
func (sel *userSelect) search(text string) {
	email := `(json_type(u.properties, '$.email') = 'text'
		AND ` + prefixFoldFunc + `(json_extract(u.properties, '$.email'), ?))`
	emailArgs := []any{text}

	end, bounded := prefixEnd(text)
	if !bounded {
		sel.and(`(u.identifier >= ? OR `+email+`)`, append([]any{text}, emailArgs...)...)
		return
	}
	sel.and(`((u.identifier >= ? AND u.identifier < ?) OR `+email+`)`,
		append([]any{text, end}, emailArgs...)...)
}

// prefixEnd returns the least string greater than every string starting
// with p, or false when there is none (p is all 0xFF bytes).
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// userPage reads one page of sel in order, continuing from p's cursor,
// which list must have issued.
func userPage(
	ctx context.Context, tx *sql.Tx, sel userSelect, order rollcall.UserOrder, list string,
	p rollcall.PageRequest,
) (rollcall.UserPage, error) {
	c, err := rollcall.DecodeCursor(p.Cursor, list)
	if err != nil {
		return rollcall.UserPage{}, err
	}

	sel.orderBy = "u.identifier"
	if order == rollcall.ByUpdatedDesc {
		sel.orderBy = "u.updated_at DESC, u.identifier"
	}
	if c.Identifier != "" && order == rollcall.ByUpdatedDesc {
		at := millis(c.Updated)
		sel.and("(u.updated_at < ? OR (u.updated_at = ? AND u.identifier > ?))",
			at, at, c.Identifier)
	} else if c.Identifier != "" {
		sel.and("u.identifier > ?", c.Identifier)
	}

	limit := p.Size()
	sel.limit = limit + 1
	users, err := selectUsers(ctx, tx, sel)
	if err != nil {
		return rollcall.UserPage{}, err
	}
	return finishUserPage(users, limit, list, order), nil
}

// finishUserPage trims the extra row fetched to learn whether another page
// follows, and makes the cursor that continues after the last user kept.
func finishUserPage(
	users []rollcall.User, limit int, list string, order rollcall.UserOrder,
) rollcall.UserPage {
	if len(users) <= limit {
		return rollcall.UserPage{Users: users}
	}

	users = users[:limit]
	last := users[limit-1]
	c := rollcall.Cursor{List: list, Identifier: last.Identifier}
	if order == rollcall.ByUpdatedDesc {
		c.Updated = last.UpdatedAt
	}
	return rollcall.UserPage{Users: users, NextCursor: rollcall.EncodeCursor(c)}
}

// selectUsers runs sel and fills each user's groups with one more query.
func selectUsers(ctx context.Context, tx *sql.Tx, sel userSelect) ([]rollcall.User, error) {
	query := `SELECT ` + userColumns + ` FROM ` + sel.from +
		` WHERE ` + strings.Join(sel.where, " AND ") +
		` ORDER BY ` + sel.orderBy + ` LIMIT ?`
	rows, err := tx.QueryContext(ctx, query, append(sel.args, sel.limit)...)
	if err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}

	users, ids, err := scanUsers(rows)
	if err != nil {
		return nil, err
	}
	return users, fillGroups(ctx, tx, users, ids)
}

// scanUsers reads and closes rows of userColumns, returning the users and
// their row ids.
func scanUsers(rows *sql.Rows) ([]rollcall.User, []int64, error) {
	defer rows.Close()
	var users []rollcall.User
	var ids []int64
	for rows.Next() {
		u, id, err := scanUser(rows)
		if err != nil {
			return nil, nil, err
		}
		users = append(users, u)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("select users: %w", err)
	}
	return users, ids, nil
}

func scanUser(rows *sql.Rows) (rollcall.User, int64, error) {
	var u rollcall.User
	var id, created, updated int64
	var props string
	if err := rows.Scan(&id, &u.Identifier, &props, &created, &updated); err != nil {
		return u, 0, fmt.Errorf("scan user: %w", err)
	}

	p, err := decodeProperties(props)
	if err != nil {
		return u, 0, fmt.Errorf("user %q: %w", u.Identifier, err)
	}
	u.Properties = p
	u.Groups = []string{}
	u.CreatedAt, u.UpdatedAt = fromMillis(created), fromMillis(updated)
	return u, id, nil
}

// selectGroupsOf lists the groups of a set of users, given as a JSON array
// of row ids, in byte order of the group identifier.
const selectGroupsOf = `
SELECT m.user_id, g.identifier
FROM memberships m JOIN groups g ON g.id = m.group_id
WHERE m.user_id IN (SELECT value FROM json_each(?))
ORDER BY g.identifier`

// fillGroups sets the Groups of users (whose row ids are ids) with one query
// for the whole page.
func fillGroups(ctx context.Context, tx *sql.Tx, users []rollcall.User, ids []int64) error {
	if len(users) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("encode user ids: %w", err)
	}
	index := make(map[int64]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}

	rows, err := tx.QueryContext(ctx, selectGroupsOf, string(list))
	if err != nil {
		return fmt.Errorf("select groups of users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var userID int64
		var group string
		if err := rows.Scan(&userID, &group); err != nil {
			return fmt.Errorf("scan group of user: %w", err)
		}
		u := &users[index[userID]]
		u.Groups = append(u.Groups, group)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("select groups of users: %w", err)
	}
	return nil
}

// groupRowID returns the row id of a group, or CodeNotFound.
func groupRowID(ctx context.Context, q querier, env, group string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM groups WHERE env = ? AND identifier = ?`,
		env, group).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, noGroup(group)
	}
	if err != nil {
		return 0, fmt.Errorf("find group: %w", err)
	}
	return id, nil
}

// userRowID returns the row id of a user, or CodeNotFound.
func userRowID(ctx context.Context, q querier, env, user string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE env = ? AND identifier = ?`,
		env, user).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, noUser(user)
	}
	if err != nil {
		return 0, fmt.Errorf("find user: %w", err)
	}
	return id, nil
}

// querier is what both a transaction and a handle offer for one-row reads.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func noUser(identifier string) error {
	return rollcall.Errorf(rollcall.CodeNotFound, "no user %s in this environment", rollcall.QuoteID(identifier))
}

func noGroup(identifier string) error {
	return rollcall.Errorf(rollcall.CodeNotFound, "no group %s in this environment", rollcall.QuoteID(identifier))
}
