package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// writeStmts are the statements of the write path, prepared once on the
// writer connection: parsing SQL costs more than running it, and a batch
// runs several statements per item. Each array is indexed by entity.
type writeStmts struct {
	upsert     [2]*sql.Stmt
	update     [2]*sql.Stmt
	membership *sql.Stmt
	savepoints savepoints
	tx         txStmts
}

// prepareWrites prepares the write statements on the writer connection.
func prepareWrites(ctx context.Context, conn *sql.Conn) (*writeStmts, error) {
	var st writeStmts
	p := &preparer{ctx: ctx, conn: conn}
	prep := p.prep

	for _, e := range []entity{userEntity, groupEntity} {
		st.upsert[e] = prep(upsertSQL(e))
		st.update[e] = prep(updateSQL(e))
	}
	st.membership = prep(insertMembership)
	st.savepoints = savepoints{
		open: prep("SAVEPOINT write"), release: prep("RELEASE write"),
		undo: prep("ROLLBACK TO write"),
	}
	st.tx = txStmts{begin: prep("BEGIN IMMEDIATE"), commit: prep("COMMIT"), rollback: prep("ROLLBACK")}
	if err := errors.Join(p.errs...); err != nil {
		st.close()
		return nil, err
	}
	return &st, nil
}

// close closes every statement that was prepared.
func (st *writeStmts) close() error {
	sp := st.savepoints
	all := []*sql.Stmt{st.membership, sp.open, sp.release, sp.undo,
		st.tx.begin, st.tx.commit, st.tx.rollback}
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

// preparer prepares statements on one connection, keeping every error so
// that a caller prepares a whole set and then checks once.
type preparer struct {
	ctx  context.Context
	conn *sql.Conn
	errs []error
}

// prep prepares query, or records why it could not and returns nil.
func (p *preparer) prep(query string) *sql.Stmt {
	stmt, err := p.conn.PrepareContext(p.ctx, query)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("prepare %q: %w", query, err))
	}
	return stmt
}
