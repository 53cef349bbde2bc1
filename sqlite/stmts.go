package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// writeStmts are the statements of the identify path, prepared once on the
// writer connection: parsing SQL costs more than running it, and a batch
// runs several statements per item. Each array is indexed by entity.
type writeStmts struct {
	upsert     [2]*sql.Stmt
	update     [2]*sql.Stmt
	membership *sql.Stmt
	savepoints savepoints
}

// prepareWrites prepares the identify statements on db.
func prepareWrites(ctx context.Context, db *sql.DB) (*writeStmts, error) {
	var st writeStmts
	var errs []error
	prep := func(query string) *sql.Stmt {
		stmt, err := db.PrepareContext(ctx, query)
		if err != nil {
			errs = append(errs, fmt.Errorf("prepare %q: %w", query, err))
		}
		return stmt
	}

	for _, e := range []entity{userEntity, groupEntity} {
		st.upsert[e] = prep(upsertSQL(e))
		st.update[e] = prep(updateSQL(e))
	}
	st.membership = prep(insertMembership)
	st.savepoints = savepoints{
		open: prep("SAVEPOINT write"), release: prep("RELEASE write"),
		undo: prep("ROLLBACK TO write"),
	}
	if err := errors.Join(errs...); err != nil {
		st.close()
		return nil, err
	}
	return &st, nil
}

// in returns the identify statements bound to tx (not the savepoints,
// which the committer binds). As tx runs on the connection they were
// prepared on, binding reuses them rather than preparing again.
func (st *writeStmts) in(ctx context.Context, tx *sql.Tx) *writeStmts {
	var out writeStmts
	for e := range st.upsert {
		out.upsert[e] = tx.StmtContext(ctx, st.upsert[e])
		out.update[e] = tx.StmtContext(ctx, st.update[e])
	}
	out.membership = tx.StmtContext(ctx, st.membership)
	return &out
}

// close closes every statement that was prepared.
func (st *writeStmts) close() error {
	sp := st.savepoints
	all := []*sql.Stmt{st.membership, sp.open, sp.release, sp.undo}
	for e := range st.upsert {
		all = append(all, st.upsert[e], st.update[e])
	}

	var errs []error
	for _, stmt := range all {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}
