package transfer

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/rollcall/rollcall"
)

// userExportHeader is the header of a CSV export of users, whose rows an
// import reads back with JSON cells.
func userExportHeader() []string {
	return []string{"identifier", "groups", "createdAt", "updatedAt", "properties"}
}

// groupExportHeader is the header of a CSV export of groups.
func groupExportHeader() []string {
	return []string{"identifier", "memberCount", "createdAt", "updatedAt", "properties"}
}

// numberCell matches the cells read as numbers: an optional minus, an
// integer without leading zeros and an optional fraction. Leading zeros
// ("007"), a plus sign and exponents stay text: they are more often codes
// than quantities.
var numberCell = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// csvReader reads CSV with a header row.
type csvReader struct {
	r      *csv.Reader
	raw    *recorder
	opts   ReadOptions
	header []string
	export bool
	id     int
	group  int
	text   []bool
	seq    int
}

func newCSVReader(r io.Reader, opts ReadOptions) (*csvReader, error) {
	raw := &recorder{r: r}
	cr := csv.NewReader(raw)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	raw.forget(cr.InputOffset())
	// A spreadsheet's byte order mark is not part of the first name.
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")

	c := &csvReader{r: cr, raw: raw, opts: opts, header: slices.Clone(header), group: -1}
	c.export = slices.Equal(header, userExportHeader()) && !opts.Groups ||
		slices.Equal(header, groupExportHeader()) && opts.Groups
	if err := c.index(); err != nil {
		return nil, err
	}
	return c, nil
}

// index finds the identifier, group and text columns and checks names.
func (c *csvReader) index() error {
	seen := map[string]bool{}
	c.id = -1
	c.text = make([]bool, len(c.header))
	for i, name := range c.header {
		if seen[name] {
			return fmt.Errorf("CSV header names the column %q twice", name)
		}
		seen[name] = true
		if err := rollcall.ValidatePropertyKey(name); err != nil {
			return fmt.Errorf("CSV column %d: %w", i+1, err)
		}
		c.text[i] = slices.Contains(c.opts.TextColumns, name)
		switch name {
		case c.opts.IDColumn:
			c.id = i
		case c.opts.GroupColumn:
			c.group = i
		}
	}

	if c.export {
		return nil
	}
	if c.id < 0 {
		return fmt.Errorf("CSV header has no %q column for the identifier", c.opts.IDColumn)
	}
	if c.opts.GroupColumn != "" && (c.group < 0 || c.opts.Groups) {
		return fmt.Errorf("CSV group column %q: not in the header, or importing groups",
			c.opts.GroupColumn)
	}
	return nil
}

// Next returns the next record's row. A malformed record is a reject; the
// reader goes on at the next line.
func (c *csvReader) Next() (Row, error) {
	record, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return Row{}, io.EOF
	}

	c.seq++
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		reason := rollcall.Errorf(rollcall.CodeInvalid, "malformed CSV: %v", perr.Err)
		text := strings.TrimRight(c.raw.take(c.r.InputOffset()), "\r\n")
		return Row{Seq: c.seq, Line: perr.StartLine, Raw: text, Err: reason}, nil
	}
	if err != nil {
		return Row{}, fmt.Errorf("read CSV: %w", err)
	}

	line, _ := c.r.FieldPos(0)
	text := strings.TrimRight(c.raw.take(c.r.InputOffset()), "\r\n")
	row := Row{Seq: c.seq, Line: line, Raw: text}
	row.Item, row.Err = c.item(record)
	return row, nil
}

func (c *csvReader) item(record []string) (rollcall.Identify, error) {
	if len(record) != len(c.header) {
		return rollcall.Identify{}, rollcall.Errorf(rollcall.CodeInvalid,
			"the row has %d cells; the header has %d", len(record), len(c.header))
	}
	if c.export {
		return c.exportItem(record)
	}
	return c.typedItem(record)
}

// typedItem reads a hand-made row: every column but the identifier and
// group columns is a property typed by cellValue.
func (c *csvReader) typedItem(record []string) (rollcall.Identify, error) {
	item := rollcall.Identify{Kind: c.opts.kind(), Identifier: record[c.id]}
	if err := rollcall.ValidateIdentifier(item.Identifier); err != nil {
		return rollcall.Identify{}, err
	}
	if c.group >= 0 && record[c.group] != "" {
		g := record[c.group]
		if err := rollcall.ValidateIdentifier(g); err != nil {
			details := rollcall.ErrorDetails(err, false)
			return rollcall.Identify{}, rollcall.Errorf(rollcall.CodeInvalid, "group: %s", details)
		}
		item.Groups = []rollcall.GroupIdentify{{Identifier: g}}
	}

	obj := make(map[string]any, len(record))
	for i, cell := range record {
		if i == c.id || i == c.group || cell == "" {
			continue
		}
		obj[c.header[i]] = cellValue(cell, c.text[i])
	}
	props, err := rollcall.PropertiesFromJSON(obj, c.opts.Limits.MaxDepth)
	item.Properties = props
	return item, err
}

// cellValue types one non-empty cell: true and false are booleans, plain
// decimals are numbers kept as written, anything else is a string.
func cellValue(cell string, text bool) any {
	switch {
	case text:
		return cell
	case cell == "true":
		return true
	case cell == "false":
		return false
	case numberCell.MatchString(cell):
		return json.Number(cell)
	}
	return cell
}

// exportItem reads a row of a CSV export, whose groups and properties
// cells hold JSON, as the API reads the same row sent as JSON.
func (c *csvReader) exportItem(record []string) (rollcall.Identify, error) {
	props, err := jsonCell(record[4])
	if err != nil {
		return rollcall.Identify{}, err
	}
	obj := map[string]any{"identifier": record[0], "properties": props}
	if !c.opts.Groups {
		if obj["groups"], err = jsonCell(record[1]); err != nil {
			return rollcall.Identify{}, err
		}
	}
	return identifyFromExport(obj, c.opts)
}

// jsonCell decodes a cell holding JSON; an empty cell is null.
func jsonCell(cell string) (any, error) {
	if cell == "" {
		return nil, nil
	}
	return rollcall.DecodeJSON([]byte(cell))
}

// recorder keeps the bytes a csv.Reader has read but not yet finished
// with, so that a record's text can be written to the rejects file as the
// file had it, even when the record is malformed.
type recorder struct {
	r    io.Reader
	buf  []byte
	base int64 // the input offset of buf[0]
}

func (rec *recorder) Read(p []byte) (int, error) {
	n, err := rec.r.Read(p)
	rec.buf = append(rec.buf, p[:n]...)
	return n, err
}

// take returns the text from the end of the last record to offset and
// forgets it.
func (rec *recorder) take(offset int64) string {
	end := min(max(offset-rec.base, 0), int64(len(rec.buf)))
	text := string(rec.buf[:end])
	rec.forget(offset)
	return text
}

// forget drops the bytes before offset.
func (rec *recorder) forget(offset int64) {
	end := min(max(offset-rec.base, 0), int64(len(rec.buf)))
	rec.buf = append(rec.buf[:0], rec.buf[end:]...)
	rec.base += end
}
