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
	_, err := parseFlagSources(fs, args, env, fromEnv...)
	return err
}

// flagSources records which flags took their value from the environment,
// so that an error about a value can say where it came from.
type flagSources map[string]bool

// name names a flag for an error message: "--max-depth", or
// "--max-depth (from ROLLCALL_MAX_DEPTH)" when the environment set it.
func (s flagSources) name(flagName string) string {
	if s[flagName] {
		return fmt.Sprintf("--%s (from %s)", flagName, envName(flagName))
	}
	return "--" + flagName
}

// parseFlagSources is parseFlags that also reports which flags the
// environment set.
func parseFlagSources(fs *flag.FlagSet, args []string, env Env,
	fromEnv ...string) (flagSources, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return nil, err
		}
		return nil, &usageError{msg: err.Error()}
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	sources := flagSources{}
	for _, name := range fromEnv {
		value := env.getenv(envName(name))
		if set[name] || value == "" {
			continue
		}
		if err := fs.Set(name, value); err != nil {
			return nil, usagef("invalid value %q for %s: %v", value, envName(name), err)
		}
		sources[name] = true
	}
	return sources, nil
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
