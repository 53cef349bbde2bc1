package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/rollcall/rollcall"

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
	if err := t.named("export from"); err != nil {
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
	if groups {
		fmt.Fprintf(env.Stderr, "exported %d groups\n", n)
		return nil
	}
	if n > 0 {
		fmt.Fprintf(env.Stderr, "exported %d users\n", n)
		return nil
	}
	note, err := emptyNote(ctx, src)
	fmt.Fprintf(env.Stderr, "exported 0 users: %s\n", note)
	return err
}

// emptyNote explains an export without users, which is most often an
// export from the wrong environment: from a store it names the
// environments that have keys.
func emptyNote(ctx context.Context, src transfer.Source) (string, error) {
	ss, ok := src.(transfer.StoreSource)
	if !ok {
		return "the server's environment has no users", nil
	}
	note := fmt.Sprintf("environment %q has no users", ss.Env)
	keys, ok := ss.Store.(rollcall.KeyStore)
	if !ok {
		return note, nil
	}
	list, err := keys.Keys(ctx)
	if err != nil {
		return note, fmt.Errorf("list keys: %w", err)
	}

	var envs []string
	for _, k := range list {
		if !slices.Contains(envs, k.Environment) {
			envs = append(envs, k.Environment)
		}
	}
	if len(envs) == 0 {
		return note + " (no environment has keys)", nil
	}
	slices.Sort(envs)
	return fmt.Sprintf("%s (environments with keys: %s)", note, strings.Join(envs, ", ")), nil
}

func exportAll(ctx context.Context, src transfer.Source, w io.Writer, f transfer.Format,
	groups bool) (int, error) {
	if groups {
		return transfer.ExportGroups(ctx, src, w, f)
	}
	return transfer.ExportUsers(ctx, src, w, f)
}
