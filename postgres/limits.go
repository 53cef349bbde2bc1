package postgres

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rollcall/rollcall"
)

// mayBreakSQL, for the row of an upsert aliased t, is true when its merged
// properties may break MaxProperties ($4) or MaxPropertyBytes ($5); 0 turns
// a limit off. The rows it flags are checked again in Go, so that the
// decision is rollcall.Limits.CheckStored's own.
//
// The size is counted in two steps. The first adds each key's bytes and
// the bytes of its value as jsonb prints it, which is never less than
// rollcall.PropertyBytes of the row (jsonb prints a space after each comma
// and colon of a nested value), so a row under it is surely within the
// limit. Only a row over it pays for the second, which takes those spaces
// out (compactBytesSQL) and so counts exactly what CheckStored will: without
// it, a row within the limit whose nested values print long was flagged on
// every write and sent down the slow path each time.
//
// Counting walks every property, which costs nearly as much as the upsert
// itself, so rows too short to break either limit skip it
// (mayBreakCheapSQL).
const mayBreakSQL = `CASE WHEN ` + mayBreakCheapSQL + ` THEN (
SELECT ($4::int > 0 AND s.n > $4::int)
    OR CASE WHEN $5::bigint > 0 AND s.printed > $5::bigint
            THEN (` + compactBytesSQL + `) > $5::bigint ELSE false END
FROM (SELECT count(*) AS n,
             coalesce(sum(octet_length(e.key) + octet_length(e.value::text)), 0) AS printed
      FROM jsonb_each(t.properties) AS e) AS s) ELSE false END`

// compactBytesSQL sums, over the properties of t, each key's bytes and its
// value's compact bytes: the value as jsonb prints it, less one byte for
// each ", " and ": " that jsonb put between the items of a nested value.
// Strings are blanked first (x.r), so that a comma or colon inside one
// counts as the text it is.
const compactBytesSQL = `SELECT coalesce(sum(octet_length(e.key) + octet_length(e.value::text)
    - (octet_length(x.r) - octet_length(replace(replace(x.r, ', ', ','), ': ', ':')))), 0)
FROM jsonb_each(t.properties) AS e,
LATERAL (SELECT CASE WHEN jsonb_typeof(e.value) IN ('array', 'object')
    THEN regexp_replace(e.value::text, '"([^"\\]|\\.)*"', '""', 'g') ELSE '' END AS r) AS x`

// mayBreakCheapSQL is false for a row whose text is too short to break a
// limit. The text jsonb prints holds each key quoted and each value as
// mayBreakSQL counts it, so it is never shorter than the size counted; and
// n properties take at least 7n bytes of it (5 for the shortest, "": 0, and
// 2 for each ", " between them and for the braces), so a text of
// 7 * MaxProperties bytes or fewer holds no more than MaxProperties.
const mayBreakCheapSQL = `octet_length(t.properties::text) > LEAST(
    CASE WHEN $5::bigint > 0 THEN $5::bigint END,
    CASE WHEN $4::int > 0 THEN 7 * ($4::int)::bigint END)`

// maybeOverSQL, in the RETURNING clause of an upsert aliased t, yields the
// merged row's properties as text when they may break a limit
// (mayBreakSQL), and NULL otherwise, for checkStored to decide.
const maybeOverSQL = `CASE WHEN ` + mayBreakSQL + ` THEN t.properties::text END`

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

// codeMayBreak is the SQLSTATE of the error rollcall_over_limit (migration
// 0002) raises to abort a statement whose rows may break a limit.
const codeMayBreak = "RC001"

// mayBreakDetail is the detail of a codeMayBreak error.
type mayBreakDetail struct {
	Noun string   `json:"noun"`
	Envs []string `json:"envs"`
	IDs  []string `json:"ids"`
}

// mayBreakRows returns the rows a codeMayBreak error names, and false when
// err is not such an error.
func mayBreakRows(err error) (map[rowKey]bool, bool, error) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != codeMayBreak {
		return nil, false, nil
	}

	var d mayBreakDetail
	err = json.Unmarshal([]byte(pgErr.Detail), &d)
	if err == nil && (len(d.Envs) != len(d.IDs) || len(d.IDs) == 0 ||
		(d.Noun != nounUser && d.Noun != nounGroup)) {
		err = errors.New("no rows named")
	}
	if err != nil {
		return nil, true, fmt.Errorf("read the rows over a limit (%w): %w", err, pgErr)
	}
	rows := make(map[rowKey]bool, len(d.IDs))
	for i, id := range d.IDs {
		rows[rowKey{d.Noun, d.Envs[i], id}] = true
	}
	return rows, true, nil
}
