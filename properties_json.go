package rollcall

import "slices"

// AppendJSON appends p as one compact JSON object, keys sorted by their
// bytes, and returns the extended buffer. It writes exactly what
// encoding/json writes for p with HTML escaping off, without its
// reflection: keys are escaped as EncodeValue escapes strings, and each
// value, which is compact JSON already, is copied as it is (an empty value
// is null, and so is a nil p). Keys must be valid UTF-8, as every decoder of
// properties ensures.
func (p Properties) AppendJSON(b []byte) []byte {
	if p == nil {
		return append(b, "null"...)
	}

	var stack [16]string
	keys := stack[:0]
	size := 2 // the braces, then per key its quotes, colon and comma
	for k, v := range p {
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	slices.Sort(keys)
	b = slices.Grow(b, size)

	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, k), ':')
		if v := p[k]; len(v) > 0 {
			b = append(b, v...)
		} else {
			b = append(b, "null"...)
		}
	}
	return append(b, '}')
}
