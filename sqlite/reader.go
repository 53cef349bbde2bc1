package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
)

// readConns bounds the read pool; WAL lets readers run in parallel with
// each other and with the writer.
const readConns = 4

// readPool holds the read connections for the store's life, each with the
// statements of the read path prepared on it. Parsing and planning a query
// cost modernc more than running it, so a read finds its statements ready;
// a read of one row runs a single statement, which sees one snapshot of the
// database by itself, and needs no transaction.
//
// A read waits for a connection as long as its context allows. A user,
// fetched by key, is then read without the context: it takes microseconds
// (a WAL reader rarely waits for a lock, and then at most busy_timeout),
// and a context that can end would make the driver and database/sql each
// start a goroutine per statement to watch it. Lists, which a search can
// make scan a whole table, and member counts run under the context.
type readPool struct {
	db        *sql.DB
	idle      chan *readConn // every connection not in use
	closed    chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// readConn is one read connection and the statements prepared on it. It
// is used by one read at a time. A nil conn is a slot whose connection
// was dropped, opened again by the next read that takes it.
type readConn struct {
	conn  *sql.Conn
	stmts readStmts
	// lists holds the statements of user lists, whose text depends on the
	// query's filters and order, prepared on first use: a few variants.
	lists map[string]*sql.Stmt
}

// readStmts are the fixed statements of the read path.
type readStmts struct {
	user, group, groupPage, groupID, begin, rollback *sql.Stmt
}

// openReadPool opens readConns connections through c and prepares the
// read statements on each.
func openReadPool(c connector) (*readPool, error) {
	db, err := openDB(c, readConns)
	if err != nil {
		return nil, err
	}
	p := &readPool{db: db, idle: make(chan *readConn, readConns), closed: make(chan struct{})}
	slots := make([]readConn, readConns)
	for i := range slots {
		if err == nil {
			err = slots[i].open(context.Background(), db)
		}
		p.idle <- &slots[i]
	}
	if err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// open takes a connection from db and prepares the read statements on it.
func (rc *readConn) open(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("take a read connection: %w", err)
	}
	p := &preparer{ctx: ctx, conn: conn}
	prep := p.prep

	rc.conn, rc.lists = conn, map[string]*sql.Stmt{}
	rc.stmts = readStmts{
		user:      prep(selectUserSQL),
		group:     prep(selectGroupSQL),
		groupPage: prep(selectGroupPageSQL),
		groupID:   prep(selectGroupIDSQL),
		begin:     prep("BEGIN"),
		rollback:  prep("ROLLBACK"),
	}
	if err := errors.Join(p.errs...); err != nil {
		rc.close()
		return err
	}
	return nil
}

// close closes the statements and gives the connection back to the pool's
// handle, leaving an empty slot.
func (rc *readConn) close() error {
	st := rc.stmts
	all := []*sql.Stmt{st.user, st.group, st.groupPage, st.groupID, st.begin, st.rollback}
	for _, stmt := range rc.lists {
		all = append(all, stmt)
	}
	var errs []error
	for _, stmt := range all {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	if rc.conn != nil {
		errs = append(errs, rc.conn.Close())
	}
	*rc = readConn{}
	return errors.Join(errs...)
}

// drop closes the connection itself, not only the statements: its state
// is unknown (a transaction may be left open), so it must not be reused.
func (rc *readConn) drop() {
	conn := rc.conn
	rc.conn = nil
	_ = rc.close()
	if conn != nil {
		// Raw discards a connection whose function reports ErrBadConn.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// list returns the statement of a user list with that text, preparing it
// on first use.
func (rc *readConn) list(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt, ok := rc.lists[query]; ok {
		return stmt, nil
	}
	stmt, err := rc.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare user list: %w", err)
	}
	rc.lists[query] = stmt
	return stmt, nil
}

// errClosed answers a read on a closed store.
var errClosed = errors.New("read from sqlite: the store is closed")

// do runs fn on a read connection, waiting for one while ctx allows.
func (p *readPool) do(ctx context.Context, fn func(rc *readConn) error) error {
	rc, err := p.get(ctx)
	if err != nil {
		return err
	}
	defer func() { p.idle <- rc }()

	if rc.conn == nil {
		if err := rc.open(ctx, p.db); err != nil {
			return err
		}
	}
	return fn(rc)
}

// get takes an idle connection, or waits for one.
func (p *readPool) get(ctx context.Context) (*readConn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read from sqlite: %w", err)
	}
	select {
	case <-p.closed:
		return nil, errClosed
	default:
	}
	select {
	case rc := <-p.idle:
		return rc, nil
	default:
	}

	select {
	case rc := <-p.idle:
		return rc, nil
	case <-p.closed:
		return nil, errClosed
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a sqlite read connection: %w", ctx.Err())
	}
}

// snapshot runs fn in one read transaction on rc, so that several
// statements see one snapshot of the database. BEGIN and ROLLBACK run
// without a context: an interrupted BEGIN could report failure for a
// transaction it had opened, which would then stay open. When either
// fails, the connection is in a state not known for sure, and is dropped.
func (rc *readConn) snapshot(fn func() error) error {
	if _, err := rc.stmts.begin.ExecContext(context.Background()); err != nil {
		rc.drop()
		return fmt.Errorf("begin read: %w", err)
	}
	err := fn()
	if _, rbErr := rc.stmts.rollback.ExecContext(context.Background()); rbErr != nil {
		rc.drop()
		return errors.Join(err, fmt.Errorf("end read: %w", rbErr))
	}
	return err
}

// close waits for the reads in progress, then closes every connection.
func (p *readPool) close() error {
	p.closeOnce.Do(func() {
		close(p.closed)
		var errs []error
		for range readConns {
			rc := <-p.idle
			errs = append(errs, rc.close())
		}
		errs = append(errs, p.db.Close())
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}
