// Package cli is rollcall's command-line surface: the serve command that runs
// the API, the keys commands that manage API keys, and version. Each command
// lives in its own file and has one entry in the table built by commands.
//
// The package reads no global state: the process's streams, environment and
// version arrive in an Env, so tests run commands in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Env is what a command sees of the process it runs in.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable; nil reads none.
	Getenv func(string) string
	// Version is the build's version, set at link time in main.
	Version string
}

func (e Env) getenv(name string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(name)
}

// command is one entry of the command table.
type command struct {
	// name is how the command is called, one or two words.
	name string
	// args shows the command's arguments in the usage text.
	args string
	// summary is one line for the usage text.
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

// commands is the command table. A new command is one more entry here and
// one more file in this package.
func commands() []command {
	return []command{
		{"serve", "[flags]", "run the API server", runServe},
		{"keys create", "--env NAME --kind KIND [flags]", "create an API key", runKeysCreate},
		{"keys list", "[flags]", "list API keys (never whole keys)", runKeysList},
		{"keys revoke", "[flags] PREFIX", "revoke an API key", runKeysRevoke},
		{"bench", benchArgs, "measure a running server's throughput and latency", runBench},
		{"import", importArgs, "import users or groups from CSV, JSON Lines or JSON files", runImport},
		{"export", exportArgs, "export every user or group as JSON Lines or CSV", runExport},
		{"version", "", "print the version", runVersion},
	}
}

// Exit codes of Main.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Main runs the command that args names (args excludes the program name)
// and returns the process's exit code: 0 on success, 2 for a usage error,
// 3 for an import that rejected rows and 1 for any other failure.
func Main(ctx context.Context, args []string, env Env) int {
	cmd, rest, ok := findCommand(args)
	if !ok {
		return unknownCommand(args, env)
	}

	err := cmd.run(ctx, env, rest)
	var coded interface{ ExitCode() int }
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case isUsage(err):
		fmt.Fprintf(env.Stderr, "rollcall %s: %v\n", cmd.name, err)
		fmt.Fprintf(env.Stderr, "Run 'rollcall %s -h' for its flags.\n", cmd.name)
		return ExitUsage
	case errors.As(err, &coded):
		// A command that finished with a result worth its own status, such
		// as an import that rejected rows.
		fmt.Fprintf(env.Stderr, "rollcall %s: %v\n", cmd.name, err)
		return coded.ExitCode()
	default:
		fmt.Fprintf(env.Stderr, "rollcall %s: %v\n", cmd.name, err)
		return ExitFailure
	}
}

// findCommand returns the table entry whose words start args, and the
// arguments that follow them.
func findCommand(args []string) (command, []string, bool) {
	for _, cmd := range commands() {
		words := strings.Fields(cmd.name)
		if len(args) < len(words) {
			continue
		}
		if strings.Join(args[:len(words)], " ") == cmd.name {
			return cmd, args[len(words):], true
		}
	}
	return command{}, nil, false
}

func unknownCommand(args []string, env Env) int {
	if len(args) == 1 && isHelpArg(args[0]) {
		printUsage(env.Stdout)
		return ExitOK
	}

	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "rollcall: a command is required.")
	} else {
		fmt.Fprintf(env.Stderr, "rollcall: unknown command %q.\n", strings.Join(args, " "))
	}
	fmt.Fprintln(env.Stderr)
	printUsage(env.Stderr)
	return ExitUsage
}

func isHelpArg(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "rollcall is a self-hosted users API.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  rollcall %s %s\n        %s\n", cmd.name, cmd.args, cmd.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'rollcall COMMAND -h' for a command's flags.")
}
