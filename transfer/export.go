package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/rollcall/rollcall"
)

// exportPage is how many users or groups an export asks for at a time.
const exportPage = 1000

// Source lists an environment's users and groups a page at a time, in
// identifier order. A *client.Client is one; StoreSource adapts a store.
type Source interface {
	Users(ctx context.Context, limit int, cursor string) (rollcall.UserPage, error)
	Groups(ctx context.Context, limit int, cursor string) (rollcall.GroupPage, error)
}

// StoreSource reads one environment of a store.
type StoreSource struct {
	Store rollcall.UserStore
	Env   string
}

// Users returns one page of users in identifier order.
func (s StoreSource) Users(ctx context.Context, limit int,
	cursor string) (rollcall.UserPage, error) {
	q := rollcall.UserQuery{
		PageRequest: rollcall.PageRequest{Limit: limit, Cursor: cursor},
		Order:       rollcall.ByIdentifier,
	}
	page, err := s.Store.Users(ctx, s.Env, q)
	if err != nil {
		return rollcall.UserPage{}, fmt.Errorf("list users: %w", err)
	}
	return page, nil
}

// Groups returns one page of groups in identifier order.
func (s StoreSource) Groups(ctx context.Context, limit int,
	cursor string) (rollcall.GroupPage, error) {
	page, err := s.Store.Groups(ctx, s.Env, rollcall.PageRequest{Limit: limit, Cursor: cursor})
	if err != nil {
		return rollcall.GroupPage{}, fmt.Errorf("list groups: %w", err)
	}
	return page, nil
}

// ExportUsers writes every user of src to w in format f (JSON Lines or
// CSV), page by page, and returns how many it wrote. Properties are
// written in key order, so the same data always gives the same bytes.
func ExportUsers(ctx context.Context, src Source, w io.Writer, f Format) (int, error) {
	out, err := newExportWriter(w, f, userExportHeader())
	if err != nil {
		return 0, err
	}

	n, cursor := 0, ""
	for {
		page, err := src.Users(ctx, exportPage, cursor)
		if err != nil {
			return n, fmt.Errorf("export users: %w", err)
		}
		for _, u := range page.Users {
			if err := out.user(u); err != nil {
				return n, err
			}
			n++
		}
		if page.NextCursor == "" {
			return n, out.flush()
		}
		cursor = page.NextCursor
	}
}

// ExportGroups writes every group of src to w in format f, like
// ExportUsers.
func ExportGroups(ctx context.Context, src Source, w io.Writer, f Format) (int, error) {
	out, err := newExportWriter(w, f, groupExportHeader())
	if err != nil {
		return 0, err
	}

	n, cursor := 0, ""
	for {
		page, err := src.Groups(ctx, exportPage, cursor)
		if err != nil {
			return n, fmt.Errorf("export groups: %w", err)
		}
		for _, g := range page.Groups {
			if err := out.group(g); err != nil {
				return n, err
			}
			n++
		}
		if page.NextCursor == "" {
			return n, out.flush()
		}
		cursor = page.NextCursor
	}
}

// exportWriter writes export lines as JSON Lines or CSV.
type exportWriter struct {
	buf *bufio.Writer
	csv *csv.Writer
}

func newExportWriter(w io.Writer, f Format, header []string) (*exportWriter, error) {
	out := &exportWriter{buf: bufio.NewWriterSize(w, 64<<10)}
	switch f {
	case JSONLines:
		return out, nil
	case CSV:
		out.csv = csv.NewWriter(out.buf)
		if err := out.csv.Write(header); err != nil {
			return nil, fmt.Errorf("write CSV header: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot export as %q: use jsonl or csv", f)
}

func (o *exportWriter) user(u rollcall.User) error {
	line := rollcall.NewUserJSON(u)
	if o.csv == nil {
		return o.jsonLine(line)
	}

	record := []string{line.Identifier, encode(line.Groups), line.CreatedAt, line.UpdatedAt,
		encode(line.Properties)}
	if err := o.csv.Write(record); err != nil {
		return fmt.Errorf("write CSV row: %w", err)
	}
	return nil
}

func (o *exportWriter) group(g rollcall.Group) error {
	line := rollcall.NewGroupJSON(g)
	if o.csv == nil {
		return o.jsonLine(line)
	}

	record := []string{line.Identifier, strconv.Itoa(line.MemberCount), line.CreatedAt,
		line.UpdatedAt, encode(line.Properties)}
	if err := o.csv.Write(record); err != nil {
		return fmt.Errorf("write CSV row: %w", err)
	}
	return nil
}

func (o *exportWriter) jsonLine(v any) error {
	enc := json.NewEncoder(o.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON line: %w", err)
	}
	return nil
}

// encode writes v as compact JSON for a CSV cell. Its values are strings
// and raw JSON already checked by the store, so it cannot fail.
func encode(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func (o *exportWriter) flush() error {
	if o.csv != nil {
		o.csv.Flush()
		if err := o.csv.Error(); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	if err := o.buf.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}
