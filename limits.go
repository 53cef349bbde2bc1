package rollcall

// MaxBatchItems is the most items one batch request may carry.
const MaxBatchItems = 100

// MaxGroupsPerIdentify is the most groups one identify, or one item of a
// batch, may name: a user in more groups than that is better sent in
// several requests, and the bound keeps one item's work small.
const MaxGroupsPerIdentify = 100

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
	// MaxPropertyBytes bounds the size of one user's or group's stored
	// properties: the sum of each key's and each compact JSON value's
	// length in bytes, counted after the merge. Without it a user could
	// grow without end, one identify at a time, and every later write of
	// it would cost more.
	MaxPropertyBytes int
}

// PropertyBytes returns the size of p as MaxPropertyBytes counts it.
func PropertyBytes(p Properties) int {
	n := 0
	for k, v := range p {
		n += len(k) + len(v)
	}
	return n
}

// CheckStored reports whether merged properties of the user or group named
// by what ("user \"u1\"", "group \"g1\"") fit the limits, as an *Error with
// CodeInvalid. Its details do not say how many properties or bytes are
// stored: a browser key learns nothing from an answer that it did not send.
func (l Limits) CheckStored(what string, merged Properties) error {
	if l.MaxProperties > 0 && len(merged) > l.MaxProperties {
		return Errorf(CodeInvalid, "%s would have more than %d properties after this merge; "+
			"send fewer new keys", what, l.MaxProperties)
	}
	if l.MaxPropertyBytes > 0 && PropertyBytes(merged) > l.MaxPropertyBytes {
		return Errorf(CodeInvalid, "%s would hold more than %d bytes of properties after "+
			"this merge; send smaller values", what, l.MaxPropertyBytes)
	}
	return nil
}

// DefaultLimits returns the limits of the wire contract.
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:      1 << 20,
		MaxBatchBodyBytes: 5 << 20,
		MaxProperties:     1000,
		MaxDepth:          32,
		MaxPropertyBytes:  4 << 20,
	}
}
