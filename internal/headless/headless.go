// Package headless is a test helper that starts Debian's Chromium headless,
// with the flags this machine's closed network and root user need, for the
// tests that drive real pages.
package headless

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package puts the browser.
const ChromiumPath = "/usr/bin/chromium"

// Require skips the test when Chromium is missing, or fails it under CI,
// which must have installed it (scripts/test does).
func Require(t testing.TB) {
	t.Helper()

	if _, err := os.Stat(ChromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing: CI must install chromium (scripts/test does)", ChromiumPath)
	}
	t.Skipf("%s is missing; install it with: apt-get update && apt-get install -y chromium "+
		"(scripts/test does this)", ChromiumPath)
}

// Allocator starts a headless Chromium with a fresh profile, closed when
// the test ends, and returns the context that chromedp.NewContext takes.
// Without the background-networking flags Chromium keeps trying hosts that
// this sandbox cannot reach; as root it needs --no-sandbox.
func Allocator(t testing.TB) context.Context {
	t.Helper()
	Require(t)

	ctx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(ChromiumPath), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true))
	t.Cleanup(cancel)
	return ctx
}
