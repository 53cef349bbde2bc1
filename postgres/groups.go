package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
)

// groupColumns reads a group with its member count.
const groupColumns = `g.identifier, g.properties, g.created_at, g.updated_at,
	(SELECT count(*) FROM memberships m WHERE m.env = g.env AND m.group_id = g.identifier)`

// Group returns one group with its member count.
func (s *Store) Group(ctx context.Context, env, identifier string) (rollcall.Group, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+groupColumns+`
		FROM groups g WHERE g.env = $1 AND g.identifier = $2`, env, identifier)
	g, err := scanGroup(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return rollcall.Group{}, noGroup(identifier)
	}
	if err != nil {
		return rollcall.Group{}, fmt.Errorf("read group: %w", err)
	}
	return g, nil
}

func noGroup(identifier string) error {
	return rollcall.Errorf(rollcall.CodeNotFound, "no group %s in this environment", rollcall.QuoteID(identifier))
}

func scanGroup(row pgx.Row) (rollcall.Group, error) {
	var g rollcall.Group
	var props []byte
	err := row.Scan(&g.Identifier, &props, &g.CreatedAt, &g.UpdatedAt, &g.MemberCount)
	if err != nil {
		return rollcall.Group{}, err
	}

	if g.Properties, err = readProperties(props); err != nil {
		return rollcall.Group{}, err
	}
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return g, nil
}

// Groups returns one page of groups in identifier order.
func (s *Store) Groups(
	ctx context.Context, env string, p rollcall.PageRequest,
) (rollcall.GroupPage, error) {
	after, err := rollcall.DecodeCursor(p.Cursor, rollcall.GroupsList)
	if err != nil {
		return rollcall.GroupPage{}, err
	}

	limit := p.Size()
	// An empty identifier sorts before every real one, so the first page
	// needs no separate statement.
	rows, err := s.pool.Query(ctx, `SELECT `+groupColumns+` FROM groups g
		WHERE g.env = $1 AND g.identifier > $2 ORDER BY g.identifier LIMIT $3`,
		env, after.Identifier, limit+1)
	if err != nil {
		return rollcall.GroupPage{}, fmt.Errorf("list groups: %w", err)
	}
	defer rows.Close()

	page := rollcall.GroupPage{Groups: []rollcall.Group{}}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return rollcall.GroupPage{}, fmt.Errorf("list groups: %w", err)
		}
		page.Groups = append(page.Groups, g)
	}
	if err := rows.Err(); err != nil {
		return rollcall.GroupPage{}, fmt.Errorf("list groups: %w", err)
	}

	if len(page.Groups) > limit {
		page.Groups = page.Groups[:limit]
		last := page.Groups[limit-1].Identifier
		page.NextCursor = rollcall.EncodeCursor(
			rollcall.Cursor{List: rollcall.GroupsList, Identifier: last})
	}
	return page, nil
}

// GroupMembers returns one page of a group's members in identifier order.
func (s *Store) GroupMembers(
	ctx context.Context, env, group string, p rollcall.PageRequest,
) (rollcall.UserPage, error) {
	list := rollcall.MembersList(group)
	after, err := rollcall.DecodeCursor(p.Cursor, list)
	if err != nil {
		return rollcall.UserPage{}, err
	}

	var exists bool
	err = s.pool.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM groups WHERE env = $1 AND identifier = $2)",
		env, group).Scan(&exists)
	if err != nil {
		return rollcall.UserPage{}, fmt.Errorf("read group: %w", err)
	}
	if !exists {
		return rollcall.UserPage{}, noGroup(group)
	}

	var q query
	limit := p.Size()
	fmt.Fprintf(&q.sql, `SELECT %s FROM memberships gm
		JOIN users u ON u.env = gm.env AND u.identifier = gm.user_id
		WHERE gm.env = %s AND gm.group_id = %s AND gm.user_id > %s
		ORDER BY gm.user_id LIMIT %s`,
		userColumns, q.arg(env), q.arg(group), q.arg(after.Identifier), q.arg(limit+1))
	return s.userPage(ctx, &q, list, limit)
}

// DeleteGroup removes a group; its memberships go with it by cascade and the
// users stay.
func (s *Store) DeleteGroup(ctx context.Context, env, identifier string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM groups WHERE env = $1 AND identifier = $2",
		env, identifier)
	if err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return noGroup(identifier)
	}
	return nil
}
