package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// usageError is a mistake in how a command was called; Main answers it with
// exit code 2.
type usageError struct {
	msg string
}

func (e *usageError) Error() string {
	return e.msg
}

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func isUsage(err error) bool {
	var u *usageError
	return errors.As(err, &u)
}

// newFlagSet returns a flag set whose errors are returned, not fatal. It
// prints nothing while parsing: Main reports errors in one line, and -h
// prints the help to standard output.
func newFlagSet(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("rollcall "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: rollcall %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// envName is the environment variable that backs a flag: --max-body is
// ROLLCALL_MAX_BODY.
func envName(flagName string) string {
	return "ROLLCALL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args into fs, then fills each flag named in fromEnv
// that the command line left unset from its environment variable, so that
// flags win over the environment.
func parseFlags(fs *flag.FlagSet, args []string, env Env, fromEnv ...string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return err
		}
		return &usageError{msg: err.Error()}
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range fromEnv {
		value := env.getenv(envName(name))
		if set[name] || value == "" {
			continue
		}
		if err := fs.Set(name, value); err != nil {
			return usagef("invalid value %q for %s: %v", value, envName(name), err)
		}
	}
	return nil
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
