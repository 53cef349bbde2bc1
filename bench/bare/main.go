// Command bare is the HTTP ceiling of the rollcall benchmarks: a plain
// net/http server that reads and validates identify bodies exactly as
// rollcall does, then answers {"count": N} without storing anything. What
// rollcall loses against it is the cost of its store and middleware.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rollcall/rollcall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on (loopback only)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr); err != nil {
		log.Fatal(err)
	}
}

func serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           newHandler(rollcall.DefaultLimits()),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Printf("bare server listening on %s\n", ln.Addr())

	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// handler answers the routes the load generator calls.
type handler struct {
	limits rollcall.Limits
	mux    *http.ServeMux
}

func newHandler(limits rollcall.Limits) http.Handler {
	h := &handler{limits: limits, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /identify", h.identify(false, rollcall.KindUser))
	h.mux.HandleFunc("POST /identify/group", h.identify(false, rollcall.KindGroup))
	h.mux.HandleFunc("POST /identify/batch", h.identify(true, rollcall.KindUser))
	h.mux.HandleFunc("GET /users/{identifier}", h.read)
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("x-api-key") == "" {
		writeError(w, rollcall.Errorf(rollcall.CodeUnauthorized, "send an API key"))
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *handler) identify(batch bool, kind rollcall.Kind) http.HandlerFunc {
	limit := h.limits.MaxBodyBytes
	if batch {
		limit = h.limits.MaxBatchBodyBytes
	}
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			writeError(w, rollcall.Errorf(rollcall.CodeTooLarge, "the body is too large"))
			return
		}
		items, err := h.decode(body, batch, kind)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"count": len(items)})
	}
}

// decode turns a body into the identifies rollcall would hand its store.
func (h *handler) decode(body []byte, batch bool,
	kind rollcall.Kind) ([]rollcall.Identify, error) {
	v, err := rollcall.DecodeJSON(body)
	if err != nil {
		return nil, err
	}
	if !batch {
		item, err := h.item(v, kind)
		return []rollcall.Identify{item}, err
	}

	list, ok := v.([]any)
	if !ok || len(list) > rollcall.MaxBatchItems {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"send an array of at most %d items", rollcall.MaxBatchItems)
	}
	items := make([]rollcall.Identify, 0, len(list))
	for i, e := range list {
		item, err := h.item(e, kind)
		if err != nil {
			return nil, &rollcall.ItemError{Index: i, Err: err}
		}
		items = append(items, item)
	}
	return items, nil
}

func (h *handler) item(v any, kind rollcall.Kind) (rollcall.Identify, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return rollcall.Identify{}, rollcall.Errorf(rollcall.CodeInvalid, "send an object")
	}
	id, err := rollcall.IdentifierFromJSON(obj["identifier"])
	if err != nil {
		return rollcall.Identify{}, err
	}
	props, err := rollcall.PropertiesFromJSON(obj["properties"], h.limits.MaxDepth)
	if err != nil {
		return rollcall.Identify{}, err
	}
	return rollcall.Identify{Kind: kind, Identifier: id, Properties: props}, nil
}

// read answers a fixed user, as if every identifier existed.
func (h *handler) read(w http.ResponseWriter, r *http.Request) {
	now := rollcall.FormatTime(time.Now())
	writeJSON(w, http.StatusOK, map[string]any{
		"identifier": r.PathValue("identifier"),
		"properties": map[string]any{"plan": "pro", "seats": 3},
		"groups":     []string{},
		"createdAt":  now,
		"updatedAt":  now,
	})
}

func writeError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	switch rollcall.ErrorCode(err) {
	case rollcall.CodeUnauthorized:
		status = http.StatusUnauthorized
	case rollcall.CodeTooLarge:
		status = http.StatusRequestEntityTooLarge
	}
	writeJSON(w, status, map[string]string{
		"code":    string(rollcall.ErrorCode(err)),
		"details": rollcall.ErrorDetails(err, true),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
