package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rollcall/rollcall"
)

// metrics are the API's Prometheus collectors. Requests are labelled by
// route pattern, never by path: paths hold identifiers.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	items    prometheus.Counter
	handler  http.Handler
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rollcall_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rollcall_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		items: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "rollcall_identify_items_total",
			Help: "Users, groups and Segment events written by identify requests.",
		}),
	}
	m.requests = register(reg, m.requests)
	m.duration = register(reg, m.duration)
	m.items = register(reg, m.items)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// register adds c to reg, or returns the collector already registered
// under its name, so that two APIs may share one registry.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	err := reg.Register(c)
	var dup prometheus.AlreadyRegisteredError
	if errors.As(err, &dup) {
		if existing, ok := dup.ExistingCollector.(C); ok {
			return existing
		}
	}
	return c
}

// observe counts one answered request.
func (m *metrics) observe(route, method string, status int, elapsed time.Duration) {
	if !knownMethod(method) {
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// knownMethod keeps arbitrary method names out of metric labels.
func knownMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return true
	}
	return false
}

func (a *API) serveMetrics(w http.ResponseWriter, r *http.Request, _ rollcall.APIKey) error {
	a.metrics.handler.ServeHTTP(w, r)
	return nil
}
