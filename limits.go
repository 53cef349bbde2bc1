package rollcall

// MaxBatchItems is the most items one batch request may carry.
const MaxBatchItems = 100

// MaxIdentifierBytes is the longest identifier, in bytes of UTF-8.
const MaxIdentifierBytes = 256

// MaxPropertyKeyBytes is the longest property key, in bytes of UTF-8.
const MaxPropertyKeyBytes = 256

// Limits are the settings that bound what one request may store.
type Limits struct {
	// MaxBodyBytes bounds the body of a single identify.
	MaxBodyBytes int64
	// MaxBatchBodyBytes bounds the body of a batch or bulk identify.
	MaxBatchBodyBytes int64
	// MaxProperties bounds the properties stored per user or group,
	// counted after the merge.
	MaxProperties int
	// MaxDepth bounds how deeply a property value nests arrays and
	// objects: a scalar is depth 0, {"a": 1} is depth 1.
	MaxDepth int
}

// DefaultLimits returns the limits of the wire contract.
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:      1 << 20,
		MaxBatchBodyBytes: 5 << 20,
		MaxProperties:     1000,
		MaxDepth:          32,
	}
}
