package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rollcall/rollcall"
)

// userColumns are what scanUser reads: a user, then the identifiers of
// its groups as a JSON array. One statement returns both, so they always
// come from one snapshot of the database. The groups are sorted in Go:
// an ORDER BY in the aggregate costs SQLite a temporary b-tree per user.
const userColumns = `u.identifier, u.properties, u.created_at, u.updated_at,
	(SELECT json_group_array(g.identifier)
		FROM memberships m JOIN groups g ON g.id = m.group_id
		WHERE m.user_id = u.id)`

// selectUserSQL reads one user with its groups.
const selectUserSQL = `SELECT ` + userColumns + `
FROM users u WHERE u.env = ? AND u.identifier = ?`

// User returns one user with its groups. It runs one prepared statement,
// which needs no transaction to read the user and its groups from one
// snapshot.
func (s *Store) User(ctx context.Context, env, identifier string) (rollcall.User, error) {
	var user rollcall.User
	err := s.reader.do(ctx, func(rc *readConn) error {
		var err error
		// One row by key: it runs without ctx (see readPool).
		user, err = scanUser(rc.stmts.user.QueryRowContext(context.Background(), env, identifier))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return user, noUser(identifier)
	}
	return user, err
}

// Users returns one page of users in the query's order, filtered by its
// search text. The page and its users' groups come from one statement.
func (s *Store) Users(
	ctx context.Context, env string, q rollcall.UserQuery,
) (rollcall.UserPage, error) {
	sel := userSelect{from: "users u", where: []string{"u.env = ?"}, args: []any{env}}
	if q.Search != "" {
		sel.search(q.Search)
	}

	var page rollcall.UserPage
	err := s.reader.do(ctx, func(rc *readConn) error {
		var err error
		list := rollcall.UsersListFor(q.Order)
		page, err = userPage(ctx, rc, sel, q.Order, list, q.PageRequest)
		return err
	})
	return page, err
}

// GroupMembers returns one page of a group's members in identifier order.
// Finding the group and reading the page share one read transaction.
func (s *Store) GroupMembers(
	ctx context.Context, env, group string, p rollcall.PageRequest,
) (rollcall.UserPage, error) {
	var page rollcall.UserPage
	err := s.reader.do(ctx, func(rc *readConn) error {
		return rc.snapshot(func() error {
			groupID, err := findGroupID(ctx, rc.stmts.groupID, env, group)
			if err != nil {
				return err
			}

			sel := userSelect{from: "memberships m JOIN users u ON u.id = m.user_id",
				where: []string{"m.group_id = ?"}, args: []any{groupID}, sorted: true}
			list := rollcall.MembersList(group)
			page, err = userPage(ctx, rc, sel, rollcall.ByIdentifier, list, p)
			return err
		})
	})
	return page, err
}

// findGroupID runs the prepared selectGroupIDSQL: the row id of a group,
// or CodeNotFound.
func findGroupID(ctx context.Context, stmt *sql.Stmt, env, group string) (int64, error) {
	var id int64
	err := stmt.QueryRowContext(ctx, env, group).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, noGroup(group)
	}
	if err != nil {
		return 0, fmt.Errorf("find group: %w", err)
	}
	return id, nil
}

// userSelect is a SELECT of users under construction.
type userSelect struct {
	from    string
	where   []string
	args    []any
	orderBy string
	limit   int
	// sorted tells that no index gives the order, so SQLite sorts every
	// row that matches before it keeps a page of them.
	sorted bool
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
	ctx context.Context, rc *readConn, sel userSelect, order rollcall.UserOrder, list string,
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
	users, err := selectUsers(ctx, rc, sel)
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

// selectUsers runs sel, with each user's groups, as a statement prepared
// on rc.
func selectUsers(ctx context.Context, rc *readConn, sel userSelect) ([]rollcall.User, error) {
	page := sel.from + ` WHERE ` + strings.Join(sel.where, " AND ") +
		` ORDER BY ` + sel.orderBy + ` LIMIT ?`
	query := `SELECT ` + userColumns + ` FROM ` + page
	if sel.sorted {
		// SQLite would read the groups of every row it sorts; choosing the
		// page first reads them for its users only.
		query = `SELECT ` + userColumns + ` FROM (SELECT u.id FROM ` + page +
			`) page JOIN users u ON u.id = page.id ORDER BY ` + sel.orderBy
	}
	stmt, err := rc.list(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, append(sel.args, sel.limit)...)
	if err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	return scanUsers(rows)
}

// scanUsers reads and closes rows of userColumns.
func scanUsers(rows *sql.Rows) ([]rollcall.User, error) {
	defer rows.Close()
	var users []rollcall.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	return users, nil
}

// scanUser reads one row of userColumns. It wraps with %w, so a caller can
// still tell sql.ErrNoRows, a missing user.
func scanUser(row scanner) (rollcall.User, error) {
	var u rollcall.User
	var created, updated int64
	var props, groups string
	if err := row.Scan(&u.Identifier, &props, &created, &updated, &groups); err != nil {
		return u, fmt.Errorf("scan user: %w", err)
	}

	p, err := decodeProperties(props)
	if err != nil {
		return u, fmt.Errorf("user %q: %w", u.Identifier, err)
	}
	u.Properties = p
	if u.Groups, err = decodeGroups(groups); err != nil {
		return u, fmt.Errorf("user %q: %w", u.Identifier, err)
	}
	u.CreatedAt, u.UpdatedAt = fromMillis(created), fromMillis(updated)
	return u, nil
}

// decodeGroups reads the JSON array of group identifiers that userColumns
// makes and sorts it in byte order; no groups is an empty slice, not nil.
func decodeGroups(text string) ([]string, error) {
	if text == "[]" {
		return []string{}, nil
	}
	groups, ok := splitGroups(text)
	if !ok {
		groups = []string{}
		if err := json.Unmarshal([]byte(text), &groups); err != nil {
			return nil, fmt.Errorf("decode groups: %w", err)
		}
	}
	slices.Sort(groups)
	return groups, nil
}

// splitGroups cuts the strings out of a compact JSON array of strings none
// of which has an escape, as SQLite writes identifiers without a quote or
// a backslash (identifiers have no control characters). The strings are
// substrings of text. It reports false for any other text, which
// encoding/json must then read.
func splitGroups(text string) ([]string, bool) {
	if len(text) < 4 || text[0] != '[' || text[len(text)-1] != ']' {
		return nil, false
	}
	groups := make([]string, 0, strings.Count(text, `","`)+1)
	rest := text[1 : len(text)-1]
	for {
		if len(rest) < 2 || rest[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(rest[1:], '"') + 1
		if end == 0 {
			return nil, false
		}
		id := rest[1:end]
		if strings.IndexByte(id, '\\') >= 0 {
			return nil, false
		}
		groups = append(groups, id)

		rest = rest[end+1:]
		switch {
		case rest == "":
			return groups, true
		case rest[0] != ',':
			return nil, false
		}
		rest = rest[1:]
	}
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
