package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/rollcall/rollcall"
)

func runKeysCreate(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("keys create", "--env NAME --kind server|browser [--origin URL ...]")
	db := dbFlag(fs)
	envName := fs.String("env", "", "environment the key belongs to (required)")
	kind := fs.String("kind", "",
		"server (secret, every endpoint) or browser (public, identify only)")
	var origins stringList
	fs.Var(&origins, "origin",
		"browser origin allowed to use a browser key; repeatable (default any)")
	if err := parseFlags(fs, args, env, "db"); err != nil {
		return err
	}

	k, err := checkCreateFlags(fs.NArg(), *envName, *kind, origins)
	if err != nil {
		return err
	}

	secret, key, err := rollcall.NewKey(*envName, k, trimOrigins(origins))
	if err != nil {
		return fmt.Errorf("make key: %w", err)
	}
	err = withStore(ctx, *db, func(s rollcall.Store) error {
		return s.CreateKey(ctx, key)
	})
	if err != nil {
		return fmt.Errorf("store key: %w", err)
	}

	// Scripts read the key from the last line, so it stands there alone.
	fmt.Fprintf(env.Stdout, "Created %s key %s for environment %q. It is shown only now:\n",
		key.Kind, key.Prefix, key.Environment)
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

// checkCreateFlags turns the flags of keys create into a key kind, or a
// usage error that says what to change.
func checkCreateFlags(nargs int, env, kind string, origins []string) (rollcall.KeyKind, error) {
	if nargs > 0 {
		return "", usagef("keys create takes no arguments; use --env and --kind")
	}
	if env == "" {
		return "", usagef("--env is required, for example --env production")
	}
	if err := rollcall.ValidateEnvironment(env); err != nil {
		return "", usagef("--env: %s", rollcall.ErrorDetails(err, false))
	}

	k, err := rollcall.ParseKeyKind(kind)
	if err != nil {
		return "", usagef("--kind must be server or browser")
	}
	if k == rollcall.KeyServer && len(origins) > 0 {
		return "", usagef("--origin applies only to browser keys")
	}
	for _, o := range origins {
		// A browser's Origin is compared exactly, so a pattern would be
		// stored and then match nothing.
		if strings.Contains(o, "*") {
			return "", usagef("origins are exact: %q has a wildcard; "+
				"list each origin with its own --origin", o)
		}
		if err := checkOrigin(o); err != nil {
			return "", err
		}
	}
	return k, nil
}

// trimOrigins drops the trailing slash people copy from address bars: a
// browser's Origin header never has one.
func trimOrigins(origins []string) []string {
	out := make([]string, 0, len(origins))
	for _, o := range origins {
		out = append(out, strings.TrimSuffix(o, "/"))
	}
	return out
}
