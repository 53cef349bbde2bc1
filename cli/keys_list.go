package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rollcall/rollcall"
)

func runKeysList(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("keys list", "[--db PATH]")
	db := dbFlag(fs)
	if err := parseFlags(fs, args, env, "db"); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}

	var keys []rollcall.APIKey
	err := withStore(ctx, *db, func(s rollcall.Store) error {
		var err error
		keys, err = s.Keys(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("list keys: %w", err)
	}

	return printKeys(env.Stdout, keys)
}

// printKeys writes one row per key. Only the prefix of a key is known, so
// a listing can never reveal a whole key.
func printKeys(w io.Writer, keys []rollcall.APIKey) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tKIND\tENVIRONMENT\tORIGINS\tCREATED\tREVOKED")
	for _, k := range keys {
		origins := "-"
		if len(k.Origins) > 0 {
			origins = strings.Join(k.Origins, ",")
		}
		revoked := "-"
		if k.Revoked() {
			revoked = rollcall.FormatTime(k.RevokedAt)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Kind, k.Environment,
			origins, rollcall.FormatTime(k.CreatedAt), revoked)
	}

	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write key list: %w", err)
	}
	return nil
}
