package transfer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/rollcall/rollcall"
)

// linesReader reads JSON Lines: one object a line, blank lines skipped.
type linesReader struct {
	r    *bufio.Reader
	opts ReadOptions
	line int
	seq  int
}

func newLinesReader(r io.Reader, opts ReadOptions) *linesReader {
	return &linesReader{r: bufio.NewReaderSize(r, 64<<10), opts: opts}
}

// Next returns the next non-blank line's row.
func (l *linesReader) Next() (Row, error) {
	for {
		data, err := l.r.ReadBytes('\n')
		if len(data) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return Row{}, io.EOF
			}
			return Row{}, fmt.Errorf("read line %d: %w", l.line+1, err)
		}
		l.line++

		data = bytes.TrimRight(data, "\r\n")
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		l.seq++
		row := Row{Seq: l.seq, Line: l.line, Raw: string(data)}
		row.Item, row.Err = rowFromJSON(data, l.opts)
		return row, nil
	}
}

// arrayReader reads a JSON array element by element, never whole.
type arrayReader struct {
	dec  *json.Decoder
	opts ReadOptions
	seq  int
}

func newArrayReader(r io.Reader, opts ReadOptions) (*arrayReader, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read JSON array: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("read JSON array: the file must hold one JSON array of objects")
	}
	return &arrayReader{dec: dec, opts: opts}, nil
}

// Next returns the next element's row. A syntax error ends the file: a
// decoder cannot find the next element after one.
func (a *arrayReader) Next() (Row, error) {
	if !a.dec.More() {
		if _, err := a.dec.Token(); err != nil {
			return Row{}, fmt.Errorf("read end of JSON array: %w", err)
		}
		return Row{}, io.EOF
	}

	var raw json.RawMessage
	if err := a.dec.Decode(&raw); err != nil {
		return Row{}, fmt.Errorf("read JSON array element %d: %w", a.seq+1, err)
	}
	a.seq++
	row := Row{Seq: a.seq, Line: a.seq, Raw: string(raw)}
	row.Item, row.Err = rowFromJSON(raw, a.opts)
	return row, nil
}

// rowFromJSON reads one object shaped like an /identify body or an export
// line into an upsert.
func rowFromJSON(data []byte, opts ReadOptions) (rollcall.Identify, error) {
	v, err := rollcall.DecodeJSON(data)
	if err != nil {
		return rollcall.Identify{}, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return rollcall.Identify{}, rollcall.Errorf(rollcall.CodeInvalid,
			"a row must be a JSON object, not %s", rollcall.JSONType(v))
	}
	if err := checkFields(obj, opts); err != nil {
		return rollcall.Identify{}, err
	}

	item := rollcall.Identify{Kind: opts.kind()}
	if item.Identifier, err = rollcall.IdentifierFromJSON(obj["identifier"]); err != nil {
		return rollcall.Identify{}, err
	}
	item.Properties, err = rollcall.PropertiesFromJSON(obj["properties"], opts.Limits.MaxDepth)
	if err != nil {
		return rollcall.Identify{}, err
	}
	if item.Groups, err = groupsFromJSON(obj["groups"], opts.Limits.MaxDepth); err != nil {
		return rollcall.Identify{}, err
	}
	return item, nil
}

// checkFields rejects unknown fields, so that a flat object whose
// properties sit beside its identifier is not imported as a bare user.
func checkFields(obj map[string]any, opts ReadOptions) error {
	for k := range obj {
		switch {
		case k == "identifier" || k == "properties":
		case k == "createdAt" || k == "updatedAt" || k == "memberCount":
			// An export line's read-only fields; an import skips them.
		case k == "groups" && !opts.Groups:
		default:
			return rollcall.Errorf(rollcall.CodeInvalid,
				"unknown field %q; properties belong inside \"properties\"", k)
		}
	}
	return nil
}

// groupsFromJSON reads "groups": identifiers (an export line) or objects
// with an identifier and properties (an /identify body).
func groupsFromJSON(v any, maxDepth int) ([]rollcall.GroupIdentify, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, rollcall.Errorf(rollcall.CodeInvalid, "groups must be an array, not %s",
			rollcall.JSONType(v))
	}

	groups := make([]rollcall.GroupIdentify, 0, len(list))
	for i, e := range list {
		g, err := groupFromJSON(e, maxDepth)
		if err != nil {
			return nil, rollcall.Errorf(rollcall.CodeInvalid, "groups[%d]: %s", i,
				rollcall.ErrorDetails(err, false))
		}
		groups = append(groups, g)
	}
	return groups, nil
}

func groupFromJSON(v any, maxDepth int) (rollcall.GroupIdentify, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		id, err := rollcall.IdentifierFromJSON(v)
		return rollcall.GroupIdentify{Identifier: id}, err
	}

	id, err := rollcall.IdentifierFromJSON(obj["identifier"])
	if err != nil {
		return rollcall.GroupIdentify{}, err
	}
	props, err := rollcall.PropertiesFromJSON(obj["properties"], maxDepth)
	return rollcall.GroupIdentify{Identifier: id, Properties: props}, err
}
