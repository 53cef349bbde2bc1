package transfer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/cli"
	"github.com/rollcall/rollcall/sqlite"
	"github.com/rollcall/rollcall/transfer"
)

// run runs the command line in-process and returns its exit code and
// standard output and error.
func run(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{Stdout: &stdout, Stderr: &stderr})
	return code, stdout.String(), stderr.String()
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "users.csv")
	writeFile(t, csvPath, "identifier,zip,plan,company\n"+
		"u/1,00123,pro,acme\n"+
		",1,free,acme\n"+
		"u 3,02139,\"free, for now\",\n")
	db := filepath.Join(dir, "a.db")

	t.Run("import reports rejects and exit status 3", func(t *testing.T) {
		code, _, stderr := run(t, "import", "--db", db, "--env", env,
			"--group-column", "company", "--text-column", "zip", csvPath)
		if code != cli.ExitRejected {
			t.Errorf("exit %d, want %d for rejected rows", code, cli.ExitRejected)
		}
		want := csvPath + `: imported 2 rows into environment "test" of ` + db + ", 1 rejected (see "
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks the summary:\n%s", stderr)
		}
		data, err := os.ReadFile(csvPath + ".rejects.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		got := readRejects(t, data)
		if len(got) != 1 || got[0].Line != 3 || got[0].Row != ",1,free,acme" {
			t.Errorf("rejects %+v", got)
		}
		c, err := transfer.LoadCheckpoint(csvPath + transfer.CheckpointSuffix)
		if err != nil || c.Acknowledged != 3 {
			t.Errorf("checkpoint %+v, %v; want 3 acknowledged", c, err)
		}
	})

	t.Run("export to CSV and import into another store round-trips", func(t *testing.T) {
		out := filepath.Join(dir, "export.csv")
		if code, _, stderr := run(t, "export", "--db", db, "--env", env, "--output", out); code != 0 {
			t.Fatalf("export: exit %d\n%s", code, stderr)
		}
		first, _ := os.ReadFile(out)
		if !strings.HasPrefix(string(first), "identifier,groups,createdAt,updatedAt,properties\n") {
			t.Fatalf("export.csv:\n%s", first)
		}

		db2 := filepath.Join(dir, "b.db")
		if code, _, stderr := run(t, "import", "--db", db2, "--env", env, out); code != 0 {
			t.Fatalf("import of the export: exit %d\n%s", code, stderr)
		}
		if _, err := os.Stat(out + ".rejects.jsonl"); err == nil {
			t.Error("a clean import left a rejects file")
		}
		code, second, stderr := run(t, "export", "--db", db2, "--env", env, "--format", "csv")
		if code != 0 {
			t.Fatalf("second export: exit %d\n%s", code, stderr)
		}
		sameExport(t, first, []byte(second))
		for _, want := range []string{`""zip"":""00123""`, `"[""acme""]"`, `""plan"":""free, for now""`} {
			if !strings.Contains(second, want) {
				t.Errorf("export lacks %s:\n%s", want, second)
			}
		}
	})

	t.Run("import and export through a running server", func(t *testing.T) {
		st, err := sqlite.Open(filepath.Join(dir, "c.db"), rollcall.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		url, key := serveStore(t, st)

		jsonl := filepath.Join(dir, "users.jsonl")
		writeFile(t, jsonl, string(lines(150)))
		code, _, importErr := run(t, "import", "--url", url, "--key", key, jsonl)
		if code != 0 {
			t.Fatalf("import: exit %d\n%s", code, importErr)
		}
		if want := "imported 150 rows through " + url + ", 0 rejected"; !strings.Contains(importErr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, importErr)
		}
		code, out, stderr := run(t, "export", "--url", url, "--key", key)
		if code != 0 || strings.Count(out, "\n") != 150 {
			t.Errorf("export: exit %d, %d lines\n%s", code, strings.Count(out, "\n"), stderr)
		}
	})
}
