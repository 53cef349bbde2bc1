package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/cli"
)

func TestImportChecksArgumentsFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	users := filepath.Join(dir, "users.csv")
	writeTestFile(t, users, "identifier,zip\nu1,00123\n")
	other := filepath.Join(dir, "more.jsonl")
	writeTestFile(t, other, `{"identifier":"u2"}`+"\n")
	noExt := filepath.Join(dir, "users")
	writeTestFile(t, noExt, "identifier\nu3\n")
	missing := filepath.Join(dir, "missing.csv")

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"flag after the files", []string{users, "--text-column", "zip"}, cli.ExitUsage,
			"flags must come before the files: move --text-column before " + users},
		{"flag with a value after the files", []string{users, other, "--text-column=zip"},
			cli.ExitUsage, "move --text-column before " + users},
		{"unknown extension", []string{users, noExt}, cli.ExitUsage,
			"cannot tell the format of " + noExt + " from its extension; " +
				"pass --format csv, jsonl or json"},
		{"missing file", []string{users, missing}, cli.ExitFailure,
			"cannot import " + missing + ": there is no such file"},
		{"a folder", []string{users, dir + "/"}, cli.ExitUsage, "cannot tell the format"},
		{"unknown format", []string{"--format", "xml", users}, cli.ExitUsage,
			`--format "xml" is not a format; use csv, jsonl or json`},
		{"no files", nil, cli.ExitUsage, "name at least one FILE to import"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := tempDB(t)
			args := append([]string{"import", "--db", db}, c.args...)
			r := run(t, nil, args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, c.code, c.want)
			}

			out := mustRun(t, "export", "--db", db).stdout
			if strings.Contains(out, "u1") {
				t.Errorf("the first file was imported before the arguments were checked:\n%s", out)
			}
		})
	}
}

func writeTestFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
