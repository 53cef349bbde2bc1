package transfer_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/transfer"
)

// readAll reads every row of data in format f.
func readAll(t testing.TB, data string, f transfer.Format, opts transfer.ReadOptions) []transfer.Row {
	t.Helper()
	r, err := transfer.NewReader(strings.NewReader(data), f, opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []transfer.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

func props(t testing.TB, row transfer.Row) map[string]string {
	t.Helper()
	if row.Err != nil {
		t.Fatalf("row %d rejected: %v", row.Seq, row.Err)
	}
	out := map[string]string{}
	for k, v := range row.Item.Properties {
		out[k] = string(v)
	}
	return out
}

func TestCSVCells(t *testing.T) {
	t.Parallel()
	data := "identifier,zip,age,score,vip,code,note,big,company\n" +
		"u/1,00123,42,0.1000000000000000055511151231257827,true,007,\"a, \"\"b\"\"\nc\",12345678901234567890,acme\n" +
		"u 2,,-0,1e5,false,+1,null,,\n"
	opts := transfer.ReadOptions{TextColumns: []string{"zip"}, GroupColumn: "company"}
	rows := readAll(t, data, transfer.CSV, opts)
	if len(rows) != 2 {
		t.Fatalf("read %d rows, want 2", len(rows))
	}

	t.Run("typed cells keep their exact text", func(t *testing.T) {
		got := props(t, rows[0])
		want := map[string]string{
			"zip": `"00123"`, "age": `42`, "score": `0.1000000000000000055511151231257827`,
			"vip": `true`, "code": `"007"`, "note": `"a, \"b\"\nc"`, "big": `12345678901234567890`,
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %s, want %s", k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("properties %v, want exactly %v", got, want)
		}
		if rows[0].Item.Identifier != "u/1" {
			t.Errorf("identifier %q, want u/1", rows[0].Item.Identifier)
		}
		if g := rows[0].Item.Groups; len(g) != 1 || g[0].Identifier != "acme" {
			t.Errorf("groups %v, want acme", g)
		}
	})

	t.Run("empty cells are not sent; exponents, plus signs and null stay text", func(t *testing.T) {
		got := props(t, rows[1])
		want := map[string]string{"age": `-0`, "score": `"1e5"`, "vip": `false`, "code": `"+1"`, "note": `"null"`}
		if len(got) != len(want) {
			t.Fatalf("properties %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %s, want %s", k, got[k], v)
			}
		}
		if len(rows[1].Item.Groups) != 0 {
			t.Errorf("an empty group cell made groups %v", rows[1].Item.Groups)
		}
	})

	t.Run("a record spanning lines reports the line it starts on", func(t *testing.T) {
		if rows[0].Line != 2 || rows[1].Line != 4 {
			t.Errorf("lines %d and %d, want 2 and 4", rows[0].Line, rows[1].Line)
		}
	})
}

func TestRejectedRows(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		format transfer.Format
		data   string
		bad    map[int]string // Line → a word of the reason
		rows   int
	}{
		{"csv", transfer.CSV,
			"identifier,a\nu1,1\nu2\n,3\nu4,\"x\"y\"\nu5,5\n",
			map[int]string{3: "cells", 4: "empty", 5: "malformed"}, 5},
		{"jsonl", transfer.JSONLines,
			"{\"identifier\":\"u1\"}\n\n{\"identifier\":1.5}\n[1]\n{\"identifier\":\"u4\",\"email\":\"x\"}\n" +
				"{\"identifier\":\"u5\",\"properties\":3}\n{\"identifier\":\"u6\",\"createdAt\":\"x\"}\n",
			map[int]string{3: "integer", 4: "object", 5: "unknown field", 6: "properties must be"}, 6},
		{"json array", transfer.JSONArray,
			`[{"identifier":"u1"},{"identifier":""},{"identifier":"u3","groups":["g",{"identifier":"h"}]}]`,
			map[int]string{2: "empty"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows := readAll(t, tc.data, tc.format, transfer.ReadOptions{})
			if len(rows) != tc.rows {
				t.Fatalf("read %d rows, want %d", len(rows), tc.rows)
			}
			for i, row := range rows {
				if row.Seq != i+1 {
					t.Errorf("row %d has Seq %d", i+1, row.Seq)
				}
				word, bad := tc.bad[row.Line]
				if bad != (row.Err != nil) {
					t.Errorf("line %d: err %v, want rejected=%v", row.Line, row.Err, bad)
					continue
				}
				if bad && !strings.Contains(rollcall.ErrorDetails(row.Err, false), word) {
					t.Errorf("line %d: reason %q lacks %q", row.Line, rollcall.ErrorDetails(row.Err, false), word)
				}
			}
		})
	}
}

func TestReaderSetup(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		f    transfer.Format
		data string
		opts transfer.ReadOptions
	}{
		"no identifier column": {transfer.CSV, "id,a\n1,2\n", transfer.ReadOptions{}},
		"duplicate column":     {transfer.CSV, "identifier,a,a\n", transfer.ReadOptions{}},
		"missing group column": {transfer.CSV, "identifier,a\n", transfer.ReadOptions{GroupColumn: "g"}},
		"not an array":         {transfer.JSONArray, `{"identifier":"u"}`, transfer.ReadOptions{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := transfer.NewReader(strings.NewReader(tc.data), tc.f, tc.opts); err == nil {
				t.Error("NewReader succeeded, want an error")
			}
		})
	}

	t.Run("formats from extensions", func(t *testing.T) {
		for path, want := range map[string]transfer.Format{
			"a.csv": transfer.CSV, "b.JSONL": transfer.JSONLines, "c.ndjson": transfer.JSONLines, "d.json": transfer.JSONArray,
		} {
			if got, err := transfer.FormatFromPath(path); err != nil || got != want {
				t.Errorf("FormatFromPath(%q) = %q, %v; want %q", path, got, err, want)
			}
		}
		if _, err := transfer.FormatFromPath("users.txt"); err == nil {
			t.Error("FormatFromPath(users.txt) succeeded")
		}
	})
}

func TestCSVRejectsKeepTheirText(t *testing.T) {
	t.Parallel()
	data := "\uFEFFidentifier,a,b\r\nm1,1,2\r\nm2,b\"c,y\r\n\"m3\",\"two\nlines\",z\nm4,\"open\n"
	rows := readAll(t, data, transfer.CSV, transfer.ReadOptions{})
	want := []string{"m1,1,2", "m2,b\"c,y", "\"m3\",\"two\nlines\",z", "m4,\"open"}
	if len(rows) != len(want) {
		t.Fatalf("read %d rows, want %d", len(rows), len(want))
	}
	for i, row := range rows {
		if row.Raw != want[i] {
			t.Errorf("row %d: raw %q, want %q", i+1, row.Raw, want[i])
		}
	}
	if rows[1].Err == nil || rows[3].Err == nil {
		t.Errorf("malformed rows were not rejected: %v, %v", rows[1].Err, rows[3].Err)
	}
}
