package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/client"
	"github.com/rollcall/rollcall/transfer"
)

const importArgs = "[--db PATH --env NAME | --url URL --key KEY] [flags] FILE..."

// ExitRejected is the exit code of an import that finished but rejected
// some rows.
const ExitRejected = 3

// rejectedError reports rows written to rejects files; its exit code tells
// scripts that the import finished but was not clean.
type rejectedError struct {
	rows int
}

func (e *rejectedError) Error() string {
	if e.rows == 1 {
		return "1 row was rejected; see the rejects file"
	}
	return fmt.Sprintf("%d rows were rejected; see the rejects files", e.rows)
}

// ExitCode returns ExitRejected.
func (e *rejectedError) ExitCode() int {
	return ExitRejected
}

// causeError is a message for the user that keeps the error behind it
// for errors.Is and errors.As without repeating that error's words.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }

func (e *causeError) Unwrap() error { return e.cause }

// target is where transfer commands read or write: a store or a server.
type target struct {
	db, env, url, key *string
}

func targetFlags(fs *flag.FlagSet) target {
	return target{
		// No default file: an import or export into a store nobody named
		// would make a new, empty one and look like success.
		db: fs.String("db", "",
			"SQLite file, or postgres:// URL for PostgreSQL (env ROLLCALL_DB)"),
		env: fs.String("env", "default", "environment, with --db"),
		url: fs.String("url", "", "URL of a running server, instead of --db (env ROLLCALL_URL)"),
		key: fs.String("key", "", "server API key, with --url (env ROLLCALL_KEY)"),
	}
}

// errNoTarget is the usage error of a transfer command that names
// neither a server nor a store.
func errNoTarget(verb string) error {
	return usagef("name where to %s: --url URL (a running server, with --key or ROLLCALL_KEY)"+
		" or --db PATH (a store file)", verb)
}

// named checks that the command line or the environment named a target.
func (t target) named(verb string) error {
	if *t.url == "" && *t.db == "" {
		return errNoTarget(verb)
	}
	return nil
}

// describe names the target for a summary: through a server, or an
// environment of a store.
func (t target) describe() string {
	if *t.url != "" {
		return "through " + *t.url
	}
	return fmt.Sprintf("into environment %q of %s", *t.env, redactDB(*t.db))
}

// redactDB hides the password of a PostgreSQL URL.
func redactDB(db string) string {
	u, err := url.Parse(db)
	if err != nil || u.User == nil {
		return db
	}
	return u.Redacted()
}

// open runs fn with the sink and source of the target.
func (t target) open(ctx context.Context, fn func(transfer.Sink, transfer.Source) error) error {
	if *t.url != "" {
		if *t.key == "" {
			return usagef("--url needs --key (or ROLLCALL_KEY)")
		}
		c := client.New(*t.url, *t.key)
		return fn(transfer.ClientSink{Client: c}, c)
	}
	if err := rollcall.ValidateEnvironment(*t.env); err != nil {
		return usagef("--env: %v", err)
	}
	return withStore(ctx, *t.db, func(s rollcall.Store) error {
		sink := transfer.StoreSink{Store: s, Env: *t.env}
		return fn(sink, transfer.StoreSource{Store: s, Env: *t.env})
	})
}

// importFlags are import's settings.
type importFlags struct {
	target
	format, rejects       *string
	resume, groups        *bool
	concurrency           *int
	idColumn, groupColumn *string
	textColumns           *string
}

func runImport(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("import", importArgs)
	f := importFlags{
		target:      targetFlags(fs),
		format:      fs.String("format", "", "csv, jsonl or json; by default from each file's extension"),
		rejects:     fs.String("rejects", "", "file for rejected rows (default FILE.rejects.jsonl)"),
		resume:      fs.Bool("resume", false, "skip the rows FILE"+transfer.CheckpointSuffix+" records as done"),
		groups:      fs.Bool("groups", false, "the rows are groups, not users"),
		concurrency: fs.Int("concurrency", 4, "batches of 100 rows in flight"),
		idColumn:    fs.String("id-column", "identifier", "CSV column holding the identifier"),
		groupColumn: fs.String("group-column", "", "CSV column naming a group each user belongs to"),
		textColumns: fs.String("text-column", "", "comma-separated CSV columns kept as text"),
	}
	if err := parseFlags(fs, args, env, "db", "url", "key"); err != nil {
		return err
	}
	if err := f.named("import"); err != nil {
		return err
	}
	files := fs.Args()
	if err := checkImportFiles(files, *f.format); err != nil {
		return err
	}
	// A resume keeps the rejects of the rows its input's checkpoint records
	// as done, but a shared rejects file does not say which input a line came
	// from.
	if *f.rejects != "" && *f.resume && len(files) > 1 {
		return usagef("--resume with --rejects takes one FILE: resume the files one at a time," +
			" or drop --rejects to keep each file's rejects in FILE.rejects.jsonl")
	}

	rejected := 0
	err := f.open(ctx, func(sink transfer.Sink, _ transfer.Source) error {
		var err error
		rejected, err = importFiles(ctx, env, f, sink, files)
		return err
	})
	if err != nil {
		return err
	}
	if rejected > 0 {
		return &rejectedError{rows: rejected}
	}
	return nil
}

// importFiles imports the files in order and returns how many rows they
// rejected: all into the --rejects file when one is named, else each
// into FILE.rejects.jsonl beside it.
func importFiles(ctx context.Context, env Env, f importFlags, sink transfer.Sink,
	files []string) (int, error) {
	if *f.rejects != "" {
		return importInto(ctx, env, f, sink, *f.rejects, files)
	}
	total := 0
	for _, path := range files {
		n, err := importInto(ctx, env, f, sink, path+".rejects.jsonl", []string{path})
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// importInto imports files with their rejected rows going to the one
// rejects file at rejectsPath, opened once so that no file's rejects
// overwrite another's, and removed only when none of them rejected a row.
func importInto(ctx context.Context, env Env, f importFlags, sink transfer.Sink,
	rejectsPath string, files []string) (int, error) {
	// runImport refuses a resume of several files into one rejects file.
	resume := *f.resume && len(files) == 1
	earlier, err := earlierRejects(rejectsPath, files[0]+transfer.CheckpointSuffix, resume)
	if err != nil {
		return 0, err
	}
	rejects, err := openRejects(rejectsPath, resume)
	if err != nil {
		return 0, err
	}

	total := earlier
	for _, path := range files {
		n, ierr := importFile(ctx, env, f, sink, path, rejectsFile{rejects, rejectsPath}, earlier)
		total += n
		earlier = 0 // counted with the first file
		if ierr != nil {
			err = ierr
			break
		}
	}
	if cerr := closeRejects(rejects, total); cerr != nil && err == nil {
		err = cerr
	}
	return total, err
}

// rejectsFile is an open rejects file and the name the user gave it.
type rejectsFile struct {
	f    *os.File
	path string
}

// importFile imports one file, with earlier rows rejected before a
// resume, and returns how many rows it rejected in this run.
func importFile(ctx context.Context, env Env, f importFlags, sink transfer.Sink,
	path string, rejects rejectsFile, earlier int) (int, error) {
	in, format, err := openInput(path, *f.format)
	if err != nil {
		return 0, err
	}
	defer in.Close()

	progress := path + transfer.CheckpointSuffix
	if _, err := os.Stat(progress); *f.resume && errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(env.Stderr, "%s: no %s to resume from; importing from the first row\n",
			path, progress)
	}
	sum, err := runImportFile(ctx, env, f, sink, in, format, rejects.f, path)
	printSummary(env.Stderr, f.describe(), path, rejects.path, sum, earlier)
	return sum.Rejected, err
}

func runImportFile(ctx context.Context, env Env, f importFlags, sink transfer.Sink, in *os.File,
	format transfer.Format, rejects *os.File, path string) (transfer.Summary, error) {
	meter := transfer.NewMeter(env.Stderr, transfer.MeterConfig{
		Total: fileSize(in), Terminal: isTerminal(env.Stderr),
	})
	r, err := transfer.NewReader(meter.Reader(in), format, transfer.ReadOptions{
		Groups: *f.groups, IDColumn: *f.idColumn, GroupColumn: *f.groupColumn,
		TextColumns: splitList(*f.textColumns),
	})
	if err != nil {
		return transfer.Summary{}, fmt.Errorf("read %s: %w", path, err)
	}

	sum, err := transfer.Import(ctx, r, transfer.ImportConfig{
		Sink: sink, Concurrency: *f.concurrency, Rejects: rejects,
		Checkpoint: path + transfer.CheckpointSuffix, Resume: *f.resume, Progress: meter.Update,
	})
	meter.Finish(sum)
	if err != nil {
		return sum, fmt.Errorf("import %s: %w", path, err)
	}
	return sum, nil
}

// checkImportFiles checks every argument before anything is written: a
// flag after the files would otherwise be taken for a file once the files
// before it were imported, and a missing file or unknown format would stop
// the import half done.
func checkImportFiles(files []string, format string) error {
	if len(files) == 0 {
		return usagef("name at least one FILE to import")
	}
	for _, arg := range files[1:] {
		if strings.HasPrefix(arg, "-") && arg != "-" {
			name, _, _ := strings.Cut(arg, "=")
			return usagef("flags must come before the files: move %s before %s", name, files[0])
		}
	}

	for _, path := range files {
		if _, err := inputFormat(path, format); err != nil {
			return err
		}
		info, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			return &causeError{"cannot import " + path + ": there is no such file", err}
		}
		if err != nil {
			return fmt.Errorf("cannot import %s: %w", path, err)
		}
		if info.IsDir() {
			return fmt.Errorf("cannot import %s: it is a folder; name the files in it", path)
		}
	}
	return nil
}

// inputFormat is the format of the file at path: format when given, else
// what the file's extension says.
func inputFormat(path, format string) (transfer.Format, error) {
	if format != "" {
		f, err := transfer.ParseFormat(format)
		if err != nil {
			return "", usagef("--format %q is not a format; use csv, jsonl or json", format)
		}
		return f, nil
	}
	f, err := transfer.FormatFromPath(path)
	if err != nil {
		return "", usagef("cannot tell the format of %s from its extension; "+
			"pass --format csv, jsonl or json", path)
	}
	return f, nil
}

func openInput(path, format string) (*os.File, transfer.Format, error) {
	f, err := inputFormat(path, format)
	if err != nil {
		return nil, "", err
	}

	in, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("open input: %w", err)
	}
	return in, f, nil
}

// openRejects opens the rejects file: appended to when resuming, so the
// rows rejected before the interruption stay listed, else started afresh.
func openRejects(path string, resume bool) (*os.File, error) {
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if resume {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open rejects file: %w", err)
	}
	return f, nil
}

// closeRejects closes the rejects file and removes it when it stayed
// empty, so that its presence means something was rejected.
func closeRejects(f *os.File, rejected int) error {
	info, statErr := f.Stat()
	if err := f.Close(); err != nil {
		return fmt.Errorf("close rejects file: %w", err)
	}
	if rejected == 0 && statErr == nil && info.Size() == 0 {
		if err := os.Remove(f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove empty rejects file: %w", err)
		}
	}
	return nil
}

// printSummary prints one file's outcome: where its rows went and what
// was rejected, in this run and, for a resume, in the runs before it.
func printSummary(w io.Writer, target, path, rejectsPath string, s transfer.Summary,
	earlier int) {
	fmt.Fprintf(w, "%s: imported %s %s, %d rejected", path, rows(s.Imported), target, s.Rejected)
	// The rows an earlier run rejected are among those it did, so they are
	// counted inside the skipped rows, not beside them.
	switch {
	case s.Skipped > 0 && earlier > 0:
		fmt.Fprintf(w, ", %s skipped as done in an earlier run (%d of them rejected)",
			rows(s.Skipped), earlier)
	case s.Skipped > 0:
		fmt.Fprintf(w, ", %s skipped as done in an earlier run", rows(s.Skipped))
	case earlier > 0:
		fmt.Fprintf(w, ", %s rejected in an earlier run", rows(earlier))
	}
	if s.Rejected+earlier > 0 {
		fmt.Fprintf(w, " (see %s)", rejectsPath)
	}
	fmt.Fprintln(w)
}

// rows counts rows in words: "1 row", "2 rows".
func rows(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// earlierRejects prepares the rejects file of a resume and counts the
// rejects it keeps: those of rows the checkpoint records as done. The
// rejects of later rows are dropped, since this run reads those rows
// again.
func earlierRejects(rejectsPath, checkpointPath string, resume bool) (int, error) {
	if !resume {
		return 0, nil
	}
	cp, err := transfer.LoadCheckpoint(checkpointPath)
	if err != nil {
		return 0, err
	}
	data, err := os.ReadFile(rejectsPath)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read rejects file: %w", err)
	}

	kept, n := keepRejects(data, cp)
	if len(kept) == len(data) {
		return n, nil
	}
	if err := os.WriteFile(rejectsPath, kept, 0o644); err != nil {
		return 0, fmt.Errorf("rewrite rejects file: %w", err)
	}
	return n, nil
}

// keepRejects returns the lines of a rejects file that belong to rows up
// to the checkpoint, and how many they are. A checkpoint that does not
// know its line (written by an older version) keeps every line.
func keepRejects(data []byte, cp transfer.Checkpoint) ([]byte, int) {
	var kept []byte
	n := 0
	for line := range strings.Lines(string(data)) {
		var r transfer.Reject
		if json.Unmarshal([]byte(line), &r) != nil {
			continue
		}
		if cp.Acknowledged == 0 || cp.Line > 0 && r.Line > cp.Line {
			continue
		}
		kept = append(kept, line...)
		n++
	}
	return kept, n
}

func fileSize(f *os.File) int64 {
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return 0
	}
	return info.Size()
}

// isTerminal reports whether w is a terminal, where a progress bar can
// redraw itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
