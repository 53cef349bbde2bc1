package postgres

import (
	"encoding/json"

	"github.com/rollcall/rollcall"
)

// readProperties decodes a stored properties object as the read path
// scans it, in place: data, which the caller owns, is compacted where it
// lies and every value is a slice of it, capped so that an append copies.
// It reads the object by its structure alone, as PostgreSQL prints jsonb
// only valid JSON, and hands any text it does not expect to
// decodeProperties, which gives the same result at a higher cost.
func readProperties(data []byte) (rollcall.Properties, error) {
	text := compactInPlace(data)
	if props, ok := splitObject(text); ok {
		return props, nil
	}
	return decodeProperties(text)
}

// compactInPlace drops the JSON whitespace outside strings from data,
// overwriting it, and returns the compacted prefix.
func compactInPlace(data []byte) []byte {
	n := 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			inString = escaped || c != '"'
			escaped = !escaped && c == '\\'
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '"':
			inString = true
		}
		data[n] = c
		n++
	}
	return data[:n]
}

// splitObject cuts a compact JSON object into its members, or reports
// false when text is not one.
func splitObject(text []byte) (rollcall.Properties, bool) {
	if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
		return nil, false
	}
	props := make(rollcall.Properties)
	if len(text) == 2 {
		return props, true
	}

	for i := 1; ; {
		key, next, ok := cutKey(text, i)
		if !ok {
			return nil, false
		}
		end := valueEnd(text, next)
		if end == next || end >= len(text) {
			return nil, false
		}
		props[key] = text[next:end:end]

		switch text[end] {
		case '}':
			return props, end == len(text)-1
		case ',':
			i = end + 1
		default:
			return nil, false
		}
	}
}

// cutKey reads the member name that starts at text[i] and its colon, and
// returns the name and where its value starts.
func cutKey(text []byte, i int) (string, int, bool) {
	if i >= len(text) || text[i] != '"' {
		return "", 0, false
	}
	end, escapes := stringEnd(text, i)
	if end < 0 || end+1 >= len(text) || text[end+1] != ':' {
		return "", 0, false
	}

	if !escapes {
		return string(text[i+1 : end]), end + 2, true
	}
	var key string
	if err := json.Unmarshal(text[i:end+1], &key); err != nil {
		return "", 0, false
	}
	return key, end + 2, true
}

// stringEnd returns the index of the quote closing the string that opens
// at text[i], or -1, and whether the string holds an escape.
func stringEnd(text []byte, i int) (int, bool) {
	escapes := false
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			escapes = true
			j++
		case '"':
			return j, escapes
		}
	}
	return -1, escapes
}

// valueEnd returns the index just past the value that starts at text[i]:
// the comma or closing brace that follows it in its object, or len(text).
func valueEnd(text []byte, i int) int {
	depth := 0
	for j := i; j < len(text); j++ {
		switch text[j] {
		case '"':
			end, _ := stringEnd(text, j)
			if end < 0 {
				return len(text)
			}
			j = end
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j
			}
			depth--
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return len(text)
}
