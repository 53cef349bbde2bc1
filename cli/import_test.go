package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/cli"
	"github.com/rollcall/rollcall/transfer"
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

func TestTransferNeedsATarget(t *testing.T) {
	t.Parallel()
	users := filepath.Join(t.TempDir(), "users.csv")
	writeTestFile(t, users, "identifier\nu1\n")

	for _, c := range []struct{ name, verb string }{
		{"import", "import"}, {"export", "export from"},
	} {
		t.Run(c.name+" without --url or --db", func(t *testing.T) {
			t.Parallel()
			args := []string{c.name}
			if c.name == "import" {
				args = append(args, users)
			}
			r := run(t, nil, args...)
			want := "name where to " + c.verb + ": --url URL (a running server, with --key or " +
				"ROLLCALL_KEY) or --db PATH (a store file)"
			if r.code != cli.ExitUsage || !strings.Contains(r.stderr, want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, cli.ExitUsage, want)
			}
		})
	}

	t.Run("ROLLCALL_DB names the store", func(t *testing.T) {
		t.Parallel()
		db := tempDB(t)
		r := run(t, map[string]string{"ROLLCALL_DB": db}, "import", users)
		want := `imported 1 row into environment "default" of ` + db + ", 0 rejected"
		if r.code != cli.ExitOK || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want 0 and %q", r.code, r.stderr, want)
		}
	})
}

func TestExportOfAnEmptyEnvironment(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	mustRun(t, "keys", "create", "--db", db, "--env", "staging", "--kind", "server")
	mustRun(t, "keys", "create", "--db", db, "--env", "default", "--kind", "browser")
	out := filepath.Join(t.TempDir(), "out.jsonl")

	r := mustRun(t, "export", "--db", db, "--env", "production", "--output", out)
	want := `exported 0 users: environment "production" has no users ` +
		"(environments with keys: default, staging)"
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q; want %q", r.stderr, want)
	}
}

func TestResumeCountsEarlierRejects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	users := filepath.Join(dir, "users.csv")
	writeTestFile(t, users, "identifier,a\nu1,1\n,2\nu3,3\nu4,4,extra\nu5,5\n")
	rejects := users + ".rejects.jsonl"
	db := tempDB(t)

	t.Run("a resume after a finished import", func(t *testing.T) {
		run(t, nil, "import", "--db", db, users)
		r := run(t, nil, "import", "--db", db, "--resume", users)
		want := "0 rejected, 5 rows skipped as done in an earlier run (2 of them rejected)" +
			" (see " + rejects + ")"
		if r.code != cli.ExitRejected || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, cli.ExitRejected, want)
		}
	})

	t.Run("a resume with no progress file says it starts over", func(t *testing.T) {
		other := filepath.Join(dir, "fresh.csv")
		writeTestFile(t, other, "identifier,a\nf1,1\n")
		r := run(t, nil, "import", "--db", db, "--resume", other)
		want := "no " + other + transfer.CheckpointSuffix + " to resume from"
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want 0 and %q", r.code, r.stderr, want)
		}
	})

	t.Run("a resume reads rejects past the checkpoint again", func(t *testing.T) {
		// As if the run stopped after row 3 (line 4) with both rejects written.
		cp := users + transfer.CheckpointSuffix
		if err := transfer.SaveCheckpoint(cp, transfer.Checkpoint{Acknowledged: 3, Line: 4}); err != nil {
			t.Fatal(err)
		}
		r := run(t, nil, "import", "--db", db, "--resume", users)
		want := "imported 1 row into environment \"default\" of " + db +
			", 1 rejected, 3 rows skipped as done in an earlier run (1 of them rejected)"
		if r.code != cli.ExitRejected || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, cli.ExitRejected, want)
		}
		data, err := os.ReadFile(rejects)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "\n"); n != 2 {
			t.Errorf("the rejects file has %d lines, want 2:\n%s", n, data)
		}
	})
}

func TestImportSharesOneRejectsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "a.csv")
	writeTestFile(t, bad, "identifier,a\nu1,1\n,2\n")
	good := filepath.Join(dir, "b.csv")
	writeTestFile(t, good, "identifier,a\nu3,3\n")
	rejects := filepath.Join(dir, "rej.jsonl")

	t.Run("a reject of an earlier file stays", func(t *testing.T) {
		r := run(t, nil, "import", "--db", tempDB(t), "--rejects", rejects, bad, good)
		if r.code != cli.ExitRejected {
			t.Fatalf("exit %d, stderr %q; want %d", r.code, r.stderr, cli.ExitRejected)
		}
		if n := countLines(t, rejects); n != 1 {
			t.Errorf("the rejects file has %d lines, want 1", n)
		}
	})

	t.Run("each file's rejects are kept", func(t *testing.T) {
		r := run(t, nil, "import", "--db", tempDB(t), "--rejects", rejects, bad, good, bad)
		if r.code != cli.ExitRejected || !strings.Contains(r.stderr, "2 rows were rejected") {
			t.Fatalf("exit %d, stderr %q; want %d and 2 rows", r.code, r.stderr, cli.ExitRejected)
		}
		if n := countLines(t, rejects); n != 2 {
			t.Errorf("the rejects file has %d lines, want 2", n)
		}
	})

	t.Run("a clean run removes it", func(t *testing.T) {
		mustRun(t, "import", "--db", tempDB(t), "--rejects", rejects, good, good)
		if _, err := os.Stat(rejects); !os.IsNotExist(err) {
			t.Errorf("the rejects file of a clean run is still there: %v", err)
		}
	})

	t.Run("a resume of several files is refused", func(t *testing.T) {
		r := run(t, nil, "import", "--db", tempDB(t), "--resume", "--rejects", rejects, bad, good)
		want := "--resume with --rejects takes one FILE"
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, cli.ExitUsage, want)
		}
	})
}

// countLines counts the lines of the file at path.
func countLines(t testing.TB, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}
