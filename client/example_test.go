package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/client"
	"github.com/rollcall/rollcall/httpapi"
	"github.com/rollcall/rollcall/sqlite"
)

// exampleServer starts a real rollcall API over a temporary store and
// returns its URL, a server key and a function that stops it all. In your
// code the URL and key come from your deployment.
func exampleServer() (string, string, func()) {
	dir, err := os.MkdirTemp("", "rollcall-example")
	if err != nil {
		log.Fatal(err)
	}
	st, err := sqlite.Open(filepath.Join(dir, "t.db"), rollcall.DefaultLimits())
	if err != nil {
		log.Fatal(err)
	}
	secret, key, err := rollcall.NewKey("production", rollcall.KeyServer, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := st.CreateKey(context.Background(), key); err != nil {
		log.Fatal(err)
	}

	srv := httptest.NewServer(httpapi.New(httpapi.Config{Store: st, Limits: rollcall.DefaultLimits()}))
	return srv.URL, secret, func() {
		srv.Close()
		st.Close()
		os.RemoveAll(dir)
	}
}

// Identify a user with exact numbers and a group, then read it back.
func Example() {
	url, key, stop := exampleServer()
	defer stop()
	ctx := context.Background()

	c := client.New(url, key)
	err := c.Identify(ctx, client.UserIdentify{
		Identifier: "ada@example.com",
		Properties: rollcall.Properties{
			"plan":    json.RawMessage(`"pro"`),
			"balance": json.RawMessage(`12345678901234567890.01`),
		},
		Groups: []client.GroupIdentify{{Identifier: "analytical-engines"}},
	})
	if err != nil {
		log.Fatal(err)
	}

	u, err := c.User(ctx, "ada@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Identifier, string(u.Properties["balance"]), u.Groups)
	// Output: ada@example.com 12345678901234567890.01 [analytical-engines]
}

// Walk every user, a page at a time, with a range loop.
func ExampleClient_AllUsers() {
	url, key, stop := exampleServer()
	defer stop()
	ctx := context.Background()

	c := client.New(url, key)
	users := []client.UserIdentify{{Identifier: "u1"}, {Identifier: "u2"}, {Identifier: "u3"}}
	if _, err := c.IdentifyBatch(ctx, users); err != nil {
		log.Fatal(err)
	}

	for u, err := range c.AllUsers(ctx, 2) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.Identifier)
	}
	// Output:
	// u1
	// u2
	// u3
}

// Tell a missing user from other failures with errors.As.
func ExampleError() {
	url, key, stop := exampleServer()
	defer stop()

	_, err := client.New(url, key).User(context.Background(), "nobody")
	var e *client.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status, e.Code)
	}
	// Output: 404 not_found_error
}

// Queue many identifies; the Batcher sends them 100 at a time, and Close
// waits for all of them.
func ExampleBatcher() {
	url, key, stop := exampleServer()
	defer stop()
	ctx := context.Background()

	c := client.New(url, key)
	b := c.NewBatcher(client.BatcherConfig{
		OnError: func(items []client.UserIdentify, err error) {
			log.Printf("%d identifies failed: %v", len(items), err)
		},
	})
	for i := range 250 {
		if err := b.Add(ctx, client.UserIdentify{Identifier: fmt.Sprintf("user-%d", i)}); err != nil {
			log.Fatal(err)
		}
	}
	if err := b.Close(ctx); err != nil {
		log.Fatal(err)
	}

	n := 0
	for _, err := range c.AllUsers(ctx, 1000) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "users")
	// Output: 250 users
}
