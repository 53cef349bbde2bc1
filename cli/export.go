package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/rollcall/rollcall/transfer"
)

const exportArgs = "[--db PATH --env NAME | --url URL --key KEY] [--format jsonl|csv] [--groups] [--output FILE]"

func runExport(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("export", exportArgs)
	t := targetFlags(fs)
	format := fs.String("format", "", "jsonl or csv; by default from --output's extension, else jsonl")
	groups := fs.Bool("groups", false, "export groups instead of users")
	output := fs.String("output", "", "file to write (default standard output)")
	if err := parseFlags(fs, args, env, "db", "url", "key"); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}

	f, err := exportFormat(*format, *output)
	if err != nil {
		return err
	}
	return t.open(ctx, func(_ transfer.Sink, src transfer.Source) error {
		return exportTo(ctx, env, src, f, *groups, *output)
	})
}

func exportFormat(format, output string) (transfer.Format, error) {
	if format == "" && output != "" {
		if f, err := transfer.FormatFromPath(output); err == nil {
			format = string(f)
		}
	}
	if format == "" {
		return transfer.JSONLines, nil
	}
	f, err := transfer.ParseFormat(format)
	if err != nil || f == transfer.JSONArray {
		return "", usagef("--format must be jsonl or csv")
	}
	return f, nil
}

// exportTo writes the export to output, or to standard output.
func exportTo(ctx context.Context, env Env, src transfer.Source, f transfer.Format,
	groups bool, output string) error {
	w := env.Stdout
	var file *os.File
	if output != "" {
		var err error
		if file, err = os.Create(output); err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		w = file
	}

	n, err := exportAll(ctx, src, w, f, groups)
	if file != nil {
		if cerr := file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close output: %w", cerr)
		}
	}
	if err != nil {
		return err
	}
	what := "users"
	if groups {
		what = "groups"
	}
	fmt.Fprintf(env.Stderr, "exported %d %s\n", n, what)
	return nil
}

func exportAll(ctx context.Context, src transfer.Source, w io.Writer, f transfer.Format,
	groups bool) (int, error) {
	if groups {
		return transfer.ExportGroups(ctx, src, w, f)
	}
	return transfer.ExportUsers(ctx, src, w, f)
}
