package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/rollcall/rollcall"
)

// bootstrapEnv is the environment of the keys made on first start.
const bootstrapEnv = "default"

// bootstrapKeys gives a store without any key, revoked or not, environment
// "default" with one server key and one browser key, and prints both to
// out. A store that ever had a key is left alone, so revoking every key
// does not mint new ones on the next start.
func bootstrapKeys(ctx context.Context, store rollcall.Store, out io.Writer, url string) error {
	keys, err := store.Keys(ctx)
	if err != nil {
		return fmt.Errorf("list keys: %w", err)
	}
	if len(keys) > 0 {
		return nil
	}

	server, err := createKey(ctx, store, rollcall.KeyServer)
	if err != nil {
		return err
	}
	browser, err := createKey(ctx, store, rollcall.KeyBrowser)
	if err != nil {
		return err
	}

	printBootstrap(out, server, browser, url)
	return nil
}

func createKey(ctx context.Context, store rollcall.Store, kind rollcall.KeyKind) (string, error) {
	secret, key, err := rollcall.NewKey(bootstrapEnv, kind, nil)
	if err != nil {
		return "", fmt.Errorf("make %s key: %w", kind, err)
	}
	if err := store.CreateKey(ctx, key); err != nil {
		return "", fmt.Errorf("store %s key: %w", kind, err)
	}
	return secret, nil
}

// printBootstrap shows the first keys as shell lines, so that the curl
// example and the README's walk-through work when pasted.
func printBootstrap(out io.Writer, server, browser, url string) {
	fmt.Fprintf(out, "rollcall: the store had no API keys, so environment %q now has two.\n",
		bootstrapEnv)
	fmt.Fprintln(out, "They are shown only this once; keep the server key secret.")
	fmt.Fprintln(out)
	fmt.Fprintf(out, "  export SERVER_KEY=%s   # server key: every endpoint\n", server)
	fmt.Fprintf(out, "  export BROWSER_KEY=%s  # browser key: identify endpoints only\n", browser)
	fmt.Fprintln(out)
	fmt.Fprintf(out, "Try it:  curl -s -X POST %s/identify -H \"x-api-key: $SERVER_KEY\" "+
		"-H 'content-type: application/json' -d '{\"identifier\": \"u1\", "+
		"\"properties\": {\"plan\": \"pro\"}}'\n", url)
	fmt.Fprintln(out)
}
