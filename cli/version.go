package cli

import (
	"context"
	"fmt"
	"runtime"
)

func runVersion(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("version", "")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}

	version := env.Version
	if version == "" {
		version = "dev"
	}
	fmt.Fprintf(env.Stdout, "rollcall %s (%s)\n", version, runtime.Version())
	return nil
}
