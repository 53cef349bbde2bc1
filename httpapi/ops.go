package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/rollcall/rollcall"
)

// readyTimeout bounds how long /readyz waits for the store; a load balancer
// would rather hear "not ready" than nothing.
const readyTimeout = 2 * time.Second

type statusBody struct {
	Status string `json:"status"`
}

// healthz reports that the process is up.
func (a *API) healthz(w http.ResponseWriter, _ *http.Request, _ rollcall.APIKey) error {
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
	return nil
}

// readyz reports whether the store answers.
func (a *API) readyz(w http.ResponseWriter, r *http.Request, _ rollcall.APIKey) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()

	if err := a.store.Ping(ctx); err != nil {
		a.log.Warn("store not ready", slog.String("request_id", exchangeOf(r).id),
			slog.String("error", fmt.Errorf("ping: %w", err).Error()))
		return rollcall.Errorf(rollcall.CodeUnavailable,
			"the store is not answering; try again shortly")
	}
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
	return nil
}
