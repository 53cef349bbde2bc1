package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/headless"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserStepTimeout turns a page that never answers into a failure; no
// test measures time.
const browserStepTimeout = 30 * time.Second

// pageHTML is the page the browser opens: it loads the bundled client,
// which puts rollcallCall on window. The empty icon keeps the browser from
// asking for /favicon.ico and logging the 404.
const pageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rollcall browser client</title>
<link rel="icon" href="data:,">
<script src="/client.js"></script>
</head>
<body><p>rollcall browser client test page</p></body>
</html>
`

// bundleBrowserClient installs the pinned packages and bundles the
// published browser client with esbuild into a temporary folder, returning
// the bundle's path.
func bundleBrowserClient(t testing.TB) string {
	t.Helper()
	npmInstall(t)

	out := filepath.Join(t.TempDir(), "client.js")
	cmd := exec.Command("node", "browser-build.mjs", out)
	cmd.Dir = nodeDir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bundle the browser client: %v\n%s", err, b)
	}
	return out
}

// servePage serves the test page and the bundle from a server of its own,
// so that the page's origin differs from rollcall's.
func servePage(t testing.TB, bundle string) *httptest.Server {
	t.Helper()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, pageHTML)
	})
	mux.HandleFunc("GET /client.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, bundle)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// createBrowserKey runs the real keys create command for a browser key
// allowed only from origin and returns the key it printed last.
func createBrowserKey(t testing.TB, db, env, origin string) string {
	t.Helper()

	out, err := exec.Command(binary, "keys", "create", "--db", db, "--env", env,
		"--kind", "browser", "--origin", origin).Output()
	if err != nil {
		t.Fatalf("keys create --kind browser --origin %s: %v\n%s", origin, err, stderrOf(err))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// consoleLog collects what the page writes to its console, what it throws
// and what the browser logs about it (CORS refusals among them).
type consoleLog struct {
	mu      sync.Mutex
	entries []string
}

// listen is a chromedp listener; it runs on the tab's reading goroutine.
func (c *consoleLog) listen(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		line = "exception: " + exceptionText(ev.ExceptionDetails)
	case *runtime.EventConsoleAPICalled:
		line = "console." + string(ev.Type) + ": " + argsText(ev.Args)
	case *log.EventEntryAdded:
		line = fmt.Sprintf("browser %s (%s): %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text)
	default:
		return
	}

	c.mu.Lock()
	c.entries = append(c.entries, line)
	c.mu.Unlock()
}

// since returns the entries after the first n, and the count so far.
func (c *consoleLog) since(n int) ([]string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.entries[n:]...), len(c.entries)
}

func exceptionText(d *runtime.ExceptionDetails) string {
	text := d.Text
	if d.Exception != nil {
		text += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d)", text, d.URL, d.LineNumber)
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Value != nil:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// startBrowser launches headless Chromium with a fresh profile. The
// returned context drives its one tab; the log fills with its console.
func startBrowser(t testing.TB) (context.Context, *consoleLog) {
	t.Helper()

	allocCtx := headless.Allocator(t)

	console := &consoleLog{}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(console.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, console
}

// openPage navigates to url and waits until the bundle has put
// rollcallCall on window.
func openPage(t testing.TB, ctx context.Context, console *consoleLog, url string) {
	t.Helper()

	ctx, cancel := context.WithTimeout(ctx, browserStepTimeout)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Navigate(url),
		chromedp.Poll[chromedp.Void](`typeof window.rollcallCall === "function"`))
	if err != nil {
		entries, _ := console.since(0)
		t.Fatalf("open %s: %v\nconsole:\n%s", url, err, strings.Join(entries, "\n"))
	}
	entries, _ := console.since(0)
	wantNoException(t, entries)
}

// browserCall makes one call with the bundled browser client in the page
// and returns its outcome with what the console got meanwhile. It fails the
// test, with the console's text, if the page's script throws.
func browserCall(t testing.TB, ctx context.Context, console *consoleLog,
	api, key, method, payload string) (clientOutcome, []string) {
	t.Helper()

	args, err := json.Marshal([]any{api, key, method, json.RawMessage(payload)})
	if err != nil {
		t.Fatalf("encode the call's arguments: %v", err)
	}
	_, mark := console.since(0)

	ctx, cancel := context.WithTimeout(ctx, browserStepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](
		"window.rollcallCall(..."+string(args)+")", chromedp.EvalAwaitPromise))
	entries, _ := console.since(mark)
	if err != nil {
		t.Fatalf("%s in the page: %v\nconsole:\n%s", method, err, strings.Join(entries, "\n"))
	}
	wantNoException(t, entries)

	var o clientOutcome
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("decode the page's outcome %s: %v", raw, err)
	}
	return o, entries
}

// wantNoException fails the test if the page threw where nothing caught it.
func wantNoException(t testing.TB, entries []string) {
	t.Helper()

	for _, e := range entries {
		if strings.HasPrefix(e, "exception: ") {
			t.Fatalf("the page threw:\n%s", strings.Join(entries, "\n"))
		}
	}
}

// requestLine is the part of rollcall's JSON request log line the browser
// tests read.
type requestLine struct {
	Msg    string `json:"msg"`
	Method string `json:"method"`
	Route  string `json:"route"`
	Status int    `json:"status"`
}

// requestsUntil returns the request lines rollcall has logged, once done
// holds for them or after a few seconds: rollcall writes its log out in
// bursts, so a line may come a moment after its answer.
func (p *process) requestsUntil(t testing.TB, done func([]requestLine) bool) []requestLine {
	t.Helper()

	deadline := time.Now().Add(5 * time.Second)
	for {
		lines := p.requests(t)
		if done(lines) || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// requests returns the request lines rollcall has logged so far.
func (p *process) requests(t testing.TB) []requestLine {
	t.Helper()

	var out []requestLine
	for _, b := range strings.Split(p.stderr.String(), "\n") {
		var l requestLine
		if json.Unmarshal([]byte(b), &l) == nil && l.Msg == "request" {
			out = append(out, l)
		}
	}
	return out
}
