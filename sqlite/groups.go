package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rollcall/rollcall"
)

const selectGroupsSQL = `
SELECT g.identifier, g.properties, g.created_at, g.updated_at,
	(SELECT count(*) FROM memberships m WHERE m.group_id = g.id)
FROM groups g`

// The read statements of groups, prepared on every read connection.
const (
	selectGroupSQL     = selectGroupsSQL + ` WHERE g.env = ? AND g.identifier = ?`
	selectGroupPageSQL = selectGroupsSQL +
		` WHERE g.env = ? AND g.identifier > ? ORDER BY g.identifier LIMIT ?`
	selectGroupIDSQL = `SELECT id FROM groups WHERE env = ? AND identifier = ?`
)

// Group returns one group with its member count.
func (s *Store) Group(ctx context.Context, env, identifier string) (rollcall.Group, error) {
	var g rollcall.Group
	err := s.reader.do(ctx, func(rc *readConn) error {
		var err error
		// Counting a large group's members takes time: it runs under ctx.
		g, err = scanGroup(rc.stmts.group.QueryRowContext(ctx, env, identifier))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return g, noGroup(identifier)
	}
	return g, err
}

// Groups returns one page of groups in identifier order.
func (s *Store) Groups(
	ctx context.Context, env string, p rollcall.PageRequest,
) (rollcall.GroupPage, error) {
	// The first page decodes with an empty identifier, which sorts before
	// every real one.
	c, err := rollcall.DecodeCursor(p.Cursor, rollcall.GroupsList)
	if err != nil {
		return rollcall.GroupPage{}, err
	}

	limit := p.Size()
	var groups []rollcall.Group
	err = s.reader.do(ctx, func(rc *readConn) error {
		rows, err := rc.stmts.groupPage.QueryContext(ctx, env, c.Identifier, limit+1)
		if err != nil {
			return fmt.Errorf("select groups: %w", err)
		}
		groups, err = scanGroups(rows)
		return err
	})
	if err != nil {
		return rollcall.GroupPage{}, err
	}
	return finishGroupPage(groups, limit), nil
}

// finishGroupPage trims the extra row and makes the next cursor.
func finishGroupPage(groups []rollcall.Group, limit int) rollcall.GroupPage {
	if len(groups) <= limit {
		return rollcall.GroupPage{Groups: groups}
	}

	groups = groups[:limit]
	c := rollcall.Cursor{List: rollcall.GroupsList, Identifier: groups[limit-1].Identifier}
	return rollcall.GroupPage{Groups: groups, NextCursor: rollcall.EncodeCursor(c)}
}

func scanGroups(rows *sql.Rows) ([]rollcall.Group, error) {
	defer rows.Close()
	var groups []rollcall.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select groups: %w", err)
	}
	return groups, nil
}

// scanner is a row or rows positioned on one row.
type scanner interface {
	Scan(dest ...any) error
}

// scanGroup reads one row of selectGroupsSQL. It wraps with %w, so a caller
// can still tell sql.ErrNoRows, a missing group.
func scanGroup(row scanner) (rollcall.Group, error) {
	var g rollcall.Group
	var props string
	var created, updated int64
	err := row.Scan(&g.Identifier, &props, &created, &updated, &g.MemberCount)
	if err != nil {
		return g, fmt.Errorf("scan group: %w", err)
	}

	g.Properties, err = decodeProperties(props)
	if err != nil {
		return g, fmt.Errorf("group %q: %w", g.Identifier, err)
	}
	g.CreatedAt, g.UpdatedAt = fromMillis(created), fromMillis(updated)
	return g, nil
}

const (
	deleteGroupSQL      = `DELETE FROM groups WHERE env = ? AND identifier = ?`
	deleteUserSQL       = `DELETE FROM users WHERE env = ? AND identifier = ?`
	deleteMembershipSQL = `DELETE FROM memberships WHERE user_id = ? AND group_id = ?`
)

// DeleteGroup removes a group; its memberships go with it (ON DELETE
// CASCADE) and its users stay.
func (s *Store) DeleteGroup(ctx context.Context, env, identifier string) error {
	return s.write(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx, deleteGroupSQL, env, identifier)
		if err != nil {
			return fmt.Errorf("delete group: %w", err)
		}
		return wantOneRow(res, "no group %s in this environment", rollcall.QuoteID(identifier))
	})
}

// DeleteUser removes a user; its memberships go with it (ON DELETE CASCADE).
func (s *Store) DeleteUser(ctx context.Context, env, identifier string) error {
	return s.write(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx, deleteUserSQL, env, identifier)
		if err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		return wantOneRow(res, "no user %s in this environment", rollcall.QuoteID(identifier))
	})
}

// DeleteMembership removes one user's membership of one group, telling
// apart an unknown user, an unknown group and a user not in the group.
func (s *Store) DeleteMembership(ctx context.Context, env, user, group string) error {
	return s.write(ctx, func(ctx context.Context, tx *writeTx) error {
		userID, err := userRowID(ctx, tx, env, user)
		if err != nil {
			return err
		}
		groupID, err := groupRowID(ctx, tx, env, group)
		if err != nil {
			return err
		}

		res, err := tx.ExecContext(ctx, deleteMembershipSQL, userID, groupID)
		if err != nil {
			return fmt.Errorf("delete membership: %w", err)
		}
		return wantOneRow(res, "user %s is not a member of group %s",
			rollcall.QuoteID(user), rollcall.QuoteID(group))
	})
}

// wantOneRow turns a statement that touched no row into CodeNotFound with
// the given details.
func wantOneRow(res sql.Result, format string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("count affected rows: %w", err)
	}
	if n == 0 {
		return rollcall.Errorf(rollcall.CodeNotFound, format, args...)
	}
	return nil
}
