package loadgen

import (
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: below 2^subBits nanoseconds every
// value has its own bucket, and above it each power of two is split into
// 2^(subBits-1) buckets, so a reported value is within 0.2% of the truth.
const subBits = 10

// maxShift bounds the values kept apart: 2^(subBits+maxShift) ns is about
// 36 minutes; anything slower lands in the last bucket.
const maxShift = 31

const (
	subCount  = 1 << subBits
	halfCount = subCount / 2
	buckets   = subCount + maxShift*halfCount
)

// histogram counts latencies in log-linear buckets, like HdrHistogram: a
// fixed size whatever the run's length, and cheap to record into.
type histogram struct {
	counts []uint64
	n      uint64
	sum    time.Duration
	max    time.Duration
}

func newHistogram() *histogram {
	return &histogram{counts: make([]uint64, buckets)}
}

// bucketOf returns the bucket holding v nanoseconds.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(v) - subBits
	if shift > maxShift {
		return buckets - 1
	}
	top := v >> shift // in [halfCount, subCount)
	return subCount + (shift-1)*halfCount + int(top-halfCount)
}

// bucketValue returns the middle of bucket i, in nanoseconds.
func bucketValue(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	shift := (i-subCount)/halfCount + 1
	top := uint64((i-subCount)%halfCount + halfCount)
	return top<<shift + (1<<shift)/2
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which the share q of samples fall,
// never more than the largest sample seen.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)

	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketValue(i)), h.max)
		}
	}
	return h.max
}
