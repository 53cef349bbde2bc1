package transfer

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rollcall/rollcall"
)

// Format is a file format of imports and exports.
type Format string

// The formats.
const (
	CSV       Format = "csv"
	JSONLines Format = "jsonl"
	JSONArray Format = "json"
)

// FormatFromPath picks the format from a file name's extension: .csv,
// .jsonl or .ndjson, .json.
func FormatFromPath(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson":
		return JSONLines, nil
	case ".json":
		return JSONArray, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q from its extension; name it", path)
}

// ParseFormat reads a format's name: csv, jsonl (or ndjson) or json.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson":
		return JSONLines, nil
	case "json":
		return JSONArray, nil
	}
	return "", fmt.Errorf("unknown format %q: use csv, jsonl or json", s)
}

// Row is one row of an import file: an upsert, or a reject when Err is set.
type Row struct {
	// Seq numbers the rows from 1 in file order; checkpoints count it.
	Seq int
	// Line is the line where the row starts (CSV, JSON Lines), or the
	// element's 1-based position in a JSON array.
	Line int
	// Raw is the row's text, for the rejects file.
	Raw string
	// Item is the upsert the row asks for, when Err is nil.
	Item rollcall.Identify
	// Err says why the row cannot be imported.
	Err error
}

// Reader yields the rows of an import file. Next returns io.EOF after the
// last row; any other error means the file cannot be read further.
type Reader interface {
	Next() (Row, error)
}

// ReadOptions says how to read rows.
type ReadOptions struct {
	// Groups reads each row as a group, not a user.
	Groups bool
	// IDColumn names the CSV column holding the identifier; the default is
	// "identifier".
	IDColumn string
	// GroupColumn, when set, names a CSV column whose cell is a group the
	// row's user belongs to; an empty cell means none.
	GroupColumn string
	// TextColumns names CSV columns whose cells stay strings whatever they
	// look like.
	TextColumns []string
	// Limits bounds values as the server does; zero means the defaults.
	Limits rollcall.Limits
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.IDColumn == "" {
		o.IDColumn = "identifier"
	}
	if o.Limits == (rollcall.Limits{}) {
		o.Limits = rollcall.DefaultLimits()
	}
	return o
}

func (o ReadOptions) kind() rollcall.Kind {
	if o.Groups {
		return rollcall.KindGroup
	}
	return rollcall.KindUser
}

// NewReader returns a Reader of r in format f.
func NewReader(r io.Reader, f Format, opts ReadOptions) (Reader, error) {
	opts = opts.withDefaults()
	switch f {
	case CSV:
		return newCSVReader(r, opts)
	case JSONLines:
		return newLinesReader(r, opts), nil
	case JSONArray:
		return newArrayReader(r, opts)
	}
	return nil, fmt.Errorf("unknown format %q", f)
}
