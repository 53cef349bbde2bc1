package loadgen

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	t.Run("small values are exact", func(t *testing.T) {
		h := newHistogram()
		for v := 1; v <= 1000; v++ {
			h.record(time.Duration(v))
		}
		for q, want := range map[float64]time.Duration{0.5: 500, 0.9: 900, 0.99: 990, 1: 1000} {
			if got := h.quantile(q); got != want {
				t.Errorf("quantile(%v) = %v, want %v", q, got, want)
			}
		}
	})

	t.Run("large values within 0.2 percent", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		h := newHistogram()
		var samples []time.Duration
		for range 5000 {
			d := time.Duration(r.Int64N(int64(2 * time.Second)))
			samples = append(samples, d)
			h.record(d)
		}
		slices.Sort(samples)
		for _, q := range []float64{0.5, 0.9, 0.99} {
			want := samples[int(q*float64(len(samples))+0.5)-1]
			got := h.quantile(q)
			if diff := float64(got-want) / float64(want); diff > 0.002 || diff < -0.002 {
				t.Errorf("quantile(%v) = %v, want %v within 0.2%%", q, got, want)
			}
		}
		if h.max != samples[len(samples)-1] {
			t.Errorf("max = %v, want %v", h.max, samples[len(samples)-1])
		}
	})

	t.Run("buckets round trip", func(t *testing.T) {
		for _, v := range []uint64{0, 1023, 1024, 1025, 4096, 1 << 30, 1<<40 - 1} {
			mid := bucketValue(bucketOf(v))
			if bucketOf(mid) != bucketOf(v) {
				t.Errorf("value %d: bucket %d has middle %d in bucket %d", v, bucketOf(v), mid, bucketOf(mid))
			}
		}
	})
}
