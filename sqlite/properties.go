package sqlite

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/rollcall/rollcall"
)

// decodeProperties reads stored properties; each value keeps its exact
// JSON text, numbers included. Text in the form the store writes (compact,
// keys without escapes) is split by hand, as encoding/json would read it
// but at a fraction of its cost; anything else goes through encoding/json.
func decodeProperties(text string) (rollcall.Properties, error) {
	if props, ok := splitProperties(text); ok {
		return props, nil
	}

	props := rollcall.Properties{}
	if err := json.Unmarshal([]byte(text), &props); err != nil {
		return nil, fmt.Errorf("decode properties: %w", err)
	}
	if props == nil {
		// Only a hand edit stores null: the write path always writes an
		// object, and merging into nothing would panic.
		return nil, errors.New("decode properties: stored properties are null, not an object")
	}
	return props, nil
}

// splitProperties splits a valid, compact JSON object whose keys have no
// escapes into its keys and the text of their values; a later repeated key
// wins. Keys are substrings of text and the values share one copy of it. It
// reports false for any other text, which encoding/json must then read.
func splitProperties(text string) (rollcall.Properties, bool) {
	data := []byte(text)
	if len(data) < 2 || data[0] != '{' || !json.Valid(data) {
		return nil, false
	}

	props := rollcall.Properties{}
	i := 1
	if data[i] == '}' {
		return props, i == len(data)-1
	}
	for {
		key, next, ok := plainKey(text, i)
		if !ok {
			return nil, false
		}
		end, ok := compactValueEnd(data, next)
		if !ok {
			return nil, false
		}
		props[key] = data[next:end:end]

		switch {
		case data[end] == ',':
			i = end + 1
		case data[end] == '}' && end == len(data)-1:
			return props, true
		default:
			return nil, false
		}
	}
}

// plainKey reads the key that starts at text[i] and the colon after it,
// returning the key and where its value starts. It reports false for a key
// with an escape or invalid UTF-8, which encoding/json would rewrite, and
// for white space before the colon.
func plainKey(text string, i int) (key string, next int, ok bool) {
	if text[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(text); j++ {
		switch c := text[j]; {
		case c == '\\':
			return "", 0, false
		case c == '"':
			key = text[i+1 : j]
			if j+1 >= len(text) || text[j+1] != ':' || !utf8.ValidString(key) {
				return "", 0, false
			}
			return key, j + 2, true
		}
	}
	return "", 0, false
}

// compactValueEnd returns where the value that starts at data[i] ends, in
// text known to be valid JSON: at the first comma or closing brace outside
// strings and nested arrays and objects. It reports false for white space
// outside strings, which encoding/json would leave out of the value.
func compactValueEnd(data []byte, i int) (int, bool) {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			i = stringEnd(data, i)
		case '[', '{':
			depth++
		case ']':
			depth--
		case '}':
			if depth == 0 {
				return i, true
			}
			depth--
		case ',':
			if depth == 0 {
				return i, true
			}
		case ' ', '\t', '\n', '\r':
			return 0, false
		}
	}
	return 0, false
}

// stringEnd returns the index of the quote that closes the string opened
// at data[i], in text known to be valid JSON.
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(data)
}
