// Command rollcall runs the rollcall users API and manages its API keys.
// Run "rollcall -h" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rollcall/rollcall/cli"
)

// version is set at link time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	// SIGINT and SIGTERM end the context, which makes serve drain its
	// requests; a second signal kills the process the usual way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()

	env := cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Version: version}
	code := cli.Main(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}
