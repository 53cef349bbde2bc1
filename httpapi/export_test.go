package httpapi

import "github.com/rollcall/rollcall"

// DecodeIdentify runs the body decoder of an identify endpoint, named by its
// path ("/identify", "/identify/batch", ...; any other path is the older
// form naming the user "u1"), for the black-box tests.
func DecodeIdentify(path string, data []byte, limits rollcall.Limits) ([]rollcall.Identify, error) {
	body, err := rollcall.DecodeJSON(data)
	if err != nil {
		return nil, err
	}

	decoders := map[string]decoder{
		"/identify":         decodeUser,
		"/identify/batch":   decodeBatch,
		"/identify/bulk":    decodeBulk,
		"/identify/group":   decodeGroup,
		"/identify/segment": decodeSegment,
	}
	decode, ok := decoders[path]
	if !ok {
		decode = decodeProperties("u1")
	}
	return decode(body, limits)
}
