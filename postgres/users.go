package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

// userColumns reads a user with its groups in one statement, so the groups
// come from the same snapshot as the user.
const userColumns = `u.identifier, u.properties, u.created_at, u.updated_at,
	ARRAY(SELECT m.group_id FROM memberships m
	      WHERE m.env = u.env AND m.user_id = u.identifier ORDER BY m.group_id)`

// User returns one user with its groups. The reads that arrive together
// share one statement (see userReader), which reads each user and its
// groups from one snapshot without a transaction.
func (s *Store) User(ctx context.Context, env, identifier string) (rollcall.User, error) {
	u, found, err := s.reads.read(ctx, env, identifier)
	if err != nil {
		return rollcall.User{}, err
	}
	if !found {
		return rollcall.User{}, noUser(identifier)
	}
	return u, nil
}

// scanUser reads a row of userColumns, after the columns lead scans into.
func scanUser(row pgx.Row, lead ...any) (rollcall.User, error) {
	var u rollcall.User
	var props []byte
	dest := append(lead, &u.Identifier, &props, &u.CreatedAt, &u.UpdatedAt, &u.Groups)
	if err := row.Scan(dest...); err != nil {
		return rollcall.User{}, err
	}

	var err error
	if u.Properties, err = readProperties(props); err != nil {
		return rollcall.User{}, err
	}
	if len(u.Groups) == 0 {
		u.Groups = []string{}
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// query builds a statement with numbered parameters.
type query struct {
	sql  strings.Builder
	args []any
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// Users returns one page of users, in identifier order or most recently
// updated first, optionally filtered by Search.
func (s *Store) Users(
	ctx context.Context, env string, uq rollcall.UserQuery,
) (rollcall.UserPage, error) {
	list := rollcall.UsersListFor(uq.Order)
	after, err := rollcall.DecodeCursor(uq.Cursor, list)
	if err != nil {
		return rollcall.UserPage{}, err
	}

	var q query
	fmt.Fprintf(&q.sql, "SELECT %s FROM users u WHERE u.env = %s", userColumns, q.arg(env))
	if uq.Search != "" {
		// starts_with compares bytes under a deterministic collation, and
		// unlike LIKE gives no meaning to % or _ in the search text.
		p := q.arg(uq.Search)
		fmt.Fprintf(&q.sql, ` AND (starts_with(u.identifier, %[1]s)
			OR (jsonb_typeof(u.properties->'email') = 'string'
			    AND starts_with(lower(u.properties->>'email'), lower(%[1]s))))`, p)
	}
	orderUsers(&q, list, after)

	limit := uq.Size()
	fmt.Fprintf(&q.sql, " LIMIT %s", q.arg(limit+1))
	return s.userPage(ctx, &q, list, limit)
}

// orderUsers adds the keyset condition and the order of a users list.
// The zero after is the first page.
func orderUsers(q *query, list string, after rollcall.Cursor) {
	more := after.Identifier != ""
	if list == rollcall.UsersList {
		if more {
			fmt.Fprintf(&q.sql, " AND u.identifier > %s", q.arg(after.Identifier))
		}
		q.sql.WriteString(" ORDER BY u.identifier")
		return
	}

	if more {
		at, id := q.arg(after.Updated), q.arg(after.Identifier)
		fmt.Fprintf(&q.sql,
			" AND (u.updated_at < %[1]s OR (u.updated_at = %[1]s AND u.identifier > %[2]s))",
			at, id)
	}
	q.sql.WriteString(" ORDER BY u.updated_at DESC, u.identifier")
}

// userPage runs a query that asks for one row more than limit, to learn
// whether a next page exists.
func (s *Store) userPage(
	ctx context.Context, q *query, list string, limit int,
) (rollcall.UserPage, error) {
	rows, err := s.pool.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return rollcall.UserPage{}, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()

	page := rollcall.UserPage{Users: []rollcall.User{}}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return rollcall.UserPage{}, fmt.Errorf("list users: %w", err)
		}
		page.Users = append(page.Users, u)
	}
	if err := rows.Err(); err != nil {
		return rollcall.UserPage{}, fmt.Errorf("list users: %w", err)
	}

	if len(page.Users) > limit {
		page.Users = page.Users[:limit]
		last := page.Users[limit-1]
		c := rollcall.Cursor{List: list, Identifier: last.Identifier}
		if list == rollcall.UsersByUpdateList {
			c.Updated = last.UpdatedAt
		}
		page.NextCursor = rollcall.EncodeCursor(c)
	}
	return page, nil
}

// DeleteUser removes a user; its memberships go with it by cascade.
func (s *Store) DeleteUser(ctx context.Context, env, identifier string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM users WHERE env = $1 AND identifier = $2",
		env, identifier)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return noUser(identifier)
	}
	return nil
}

// deleteMembershipSQL deletes a membership and, in the same snapshot, says
// whether the user and the group exist, so that a miss can name what is
// missing without another round trip.
const deleteMembershipSQL = `WITH deleted AS (
	DELETE FROM memberships WHERE env = $1 AND user_id = $2 AND group_id = $3 RETURNING 1)
SELECT EXISTS (SELECT 1 FROM deleted),
	EXISTS (SELECT 1 FROM users WHERE env = $1 AND identifier = $2),
	EXISTS (SELECT 1 FROM groups WHERE env = $1 AND identifier = $3)`

// DeleteMembership removes one user's membership of one group. When there
// is none, the error says whether the user, the group or the membership is
// missing, in the SQLite store's words.
func (s *Store) DeleteMembership(ctx context.Context, env, user, group string) error {
	var deleted, userFound, groupFound bool
	err := s.pool.QueryRow(ctx, deleteMembershipSQL, env, user, group).
		Scan(&deleted, &userFound, &groupFound)
	if err != nil {
		return fmt.Errorf("delete membership: %w", err)
	}

	switch {
	case deleted:
		return nil
	case !userFound:
		return noUser(user)
	case !groupFound:
		return noGroup(group)
	}
	return rollcall.Errorf(rollcall.CodeNotFound, "user %s is not a member of group %s",
		rollcall.QuoteID(user), rollcall.QuoteID(group))
}

func noUser(identifier string) error {
	return rollcall.Errorf(rollcall.CodeNotFound, "no user %s in this environment",
		rollcall.QuoteID(identifier))
}
