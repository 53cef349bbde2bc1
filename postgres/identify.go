package postgres

import (
	"context"

	"github.com/rollcall/rollcall"
)

// maxAttempts bounds how often a transaction that PostgreSQL aborted to
// break a deadlock or a serialization conflict is tried.
const maxAttempts = 3

// Identify applies items in order in one transaction. A single item joins
// the group commit: it shares a transaction with the single identifies of
// other callers that arrived meanwhile, and Identify returns once that
// transaction has committed (or the item has failed on its own). A batch is
// a transaction of its own.
func (s *Store) Identify(ctx context.Context, env string, items []rollcall.Identify) error {
	switch len(items) {
	case 0:
		return nil
	case 1:
		return s.commits.write(ctx, env, items[0])
	}
	return s.identifyAlone(ctx, env, items)
}

// identifyAlone applies items in one transaction of multi-row statements.
// When a row may break a property limit, that transaction writes nothing
// and the item that breaks it is found by merging in Go (offender). Should
// none be found that way, the items are applied again one statement at a
// time, which names the item that breaks a limit (or commits, if the row
// was within after all or a concurrent change means none does any more).
func (s *Store) identifyAlone(ctx context.Context, env string, items []rollcall.Identify) error {
	rows := newRowSet()
	for _, item := range items {
		rows.add(env, item)
	}

	return retry(ctx, func() error {
		over, err := s.writeRows(ctx, rows)
		if err != nil || len(over) == 0 {
			return err
		}
		if err := s.offender(ctx, env, items, over); err != nil {
			return err
		}
		return s.identifySteps(ctx, env, items)
	})
}

// retry runs fn again, up to maxAttempts times in all, while PostgreSQL
// aborts its transaction to break a deadlock or a serialization conflict.
func retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		again := isCode(err, codeDeadlockDetected) || isCode(err, codeSerializationFailure)
		if !again || attempt == maxAttempts || ctx.Err() != nil {
			return err
		}
	}
}
