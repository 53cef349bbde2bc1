package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
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
	if err := parseArgs(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return nil, err
		}
		if isUsage(err) {
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
			return nil, badValue(fs.Lookup(name), envName(name)+" (for --"+name+")", value, err)
		}
		sources[name] = true
	}
	return sources, nil
}

// parseArgs is fs.Parse, except that a value a flag refuses is a usage
// error that says what the flag expects. The flag package's own message
// says only "parse error".
func parseArgs(fs *flag.FlagSet, args []string) error {
	var refused refusal
	originals := map[string]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		originals[f.Name] = f.Value
		f.Value = &recordingValue{Value: f.Value, name: f.Name, refused: &refused}
	})
	err := fs.Parse(args)
	// The plain values go back, so that help and later Sets see them.
	fs.VisitAll(func(f *flag.Flag) { f.Value = originals[f.Name] })

	if err != nil && refused.name != "" {
		return badValue(fs.Lookup(refused.name), "--"+refused.name, refused.value, refused.err)
	}
	return err
}

// refusal is the first value a flag refused while parsing.
type refusal struct {
	name, value string
	err         error
}

// recordingValue wraps a flag's value to record a value it refuses.
type recordingValue struct {
	flag.Value
	name    string
	refused *refusal
}

// Set sets the wrapped value and records a refusal.
func (v *recordingValue) Set(s string) error {
	err := v.Value.Set(s)
	if err != nil && v.refused.name == "" {
		*v.refused = refusal{name: v.name, value: s, err: err}
	}
	return err
}

// IsBoolFlag keeps a boolean flag usable without a value.
func (v *recordingValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// badValue is the usage error for value refused by f, which where names
// ("--max-body", "ROLLCALL_MAX_BODY (for --max-body)").
func badValue(f *flag.Flag, where, value string, err error) error {
	if want := expectedValue(f); want != "" {
		return usagef("%s must be %s, not %q", where, want, value)
	}
	return usagef("%s: invalid value %q: %v", where, value, err)
}

// expectedValue says what kind of value f takes, or "" for a flag with its
// own checks.
func expectedValue(f *flag.Flag) string {
	switch f.Name {
	case "rate-limit":
		return "a number of requests per second"
	case "max-body", "max-batch-body", "max-property-bytes":
		return "a whole number of bytes"
	}
	getter, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch getter.Get().(type) {
	case bool:
		return "true or false"
	case time.Duration:
		return "a duration such as 30s, 1m30s or 500ms"
	case float64:
		return "a number"
	case int, int64, uint, uint64:
		return "a whole number"
	}
	return ""
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
