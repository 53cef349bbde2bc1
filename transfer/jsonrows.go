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
		return nil, errors.New("read JSON array: the file must hold one JSON array of objects")
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
// line into an upsert. It checks what the API checks, with the API's
// words; only an export line's extras are made to fit first.
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

	return identifyFromExport(obj, opts)
}

// identifyFromExport reads obj, an /identify body or an export line, as
// the API reads a body.
func identifyFromExport(obj map[string]any, opts ReadOptions) (rollcall.Identify, error) {
	body := fromExport(obj)
	if opts.Groups {
		return rollcall.GroupIdentifyFromJSON(body, opts.Limits)
	}
	return rollcall.IdentifyFromJSON(body, opts.Limits)
}

// fromExport returns obj as an /identify body: without an export line's
// read-only fields, which an import skips, and with each group named by a
// bare identifier, as an export lists them, made an object.
func fromExport(obj map[string]any) map[string]any {
	body := make(map[string]any, len(obj))
	for k, v := range obj {
		switch k {
		case "createdAt", "updatedAt", "memberCount":
		case "groups":
			body[k] = groupObjects(v)
		default:
			body[k] = v
		}
	}
	return body
}

// groupObjects turns the bare identifiers in a groups list into objects
// and leaves anything else for the shared decoder to judge.
func groupObjects(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(list))
	for i, g := range list {
		switch g.(type) {
		case string, json.Number:
			out[i] = map[string]any{"identifier": g}
		default:
			out[i] = g
		}
	}
	return out
}
