package postgres

import (
	"fmt"

	"github.com/rollcall/rollcall"
)

// maybeOverSQL, in the RETURNING clause of an upsert aliased t, yields the
// merged row's properties as text when they may break MaxProperties ($4) or
// MaxPropertyBytes ($5), and NULL otherwise; 0 turns a limit off.
//
// The size it compares is each key's bytes plus the bytes of its value as
// jsonb prints it. jsonb prints nested arrays and objects with a space after
// each comma and colon, so this is never less than rollcall.PropertyBytes of
// the row as the store gives it back (values compacted), and a row under it
// is surely within the limit. A row over it is sent back and checked exactly
// in Go (checkStored), so that only the few rows near the limit pay for the
// transfer and the decision is rollcall.Limits.CheckStored's own.
const maybeOverSQL = `(
SELECT CASE WHEN ($4::int > 0 AND count(*) > $4::int)
          OR ($5::bigint > 0
              AND coalesce(sum(octet_length(e.key) + octet_length(e.value::text)), 0) > $5::bigint)
       THEN t.properties::text END
FROM jsonb_each(t.properties) AS e)`

// checkStored checks properties that maybeOverSQL returned against limits,
// exactly. It returns the CodeInvalid *rollcall.Error of CheckStored when
// they break a limit, and an internal error when they do not decode.
func checkStored(limits rollcall.Limits, noun, identifier string, stored []byte) error {
	props, err := decodeProperties(stored)
	if err != nil {
		return fmt.Errorf("check %s %q: %w", noun, identifier, err)
	}
	return limits.CheckStored(noun+" "+rollcall.QuoteID(identifier), props)
}
