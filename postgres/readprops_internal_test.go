package postgres

import (
	"bytes"
	"reflect"
	"testing"
)

func TestReadPropertiesMatchesDecodeProperties(t *testing.T) {
	t.Parallel()
	texts := []string{
		`{}`,
		`{"a": 1}`,
		`{"plan": "pro", "seats": 47, "tags": ["beta", "team"], "x": null}`,
		`{"s": "a, b: {c} [d]", "n": {"deep": [1, {"e": "}"}], "f": []}}`,
		`{"q\"uote": "say \"hi\", ok", "back\\": "c:\\dir\\", "ctl\n": "\u0001\t"}`,
		`{"é ✓": "\u2028", "": "", "t": true, "f": false, "big": 1.5e300}`,
		" {\n\t\"spaced\" :\r [ 1 , 2 ] , \"o\" : { } } ",
		`{"a": 1, "a2": "trailing space "}`,
	}
	for _, text := range texts {
		want, err := decodeProperties([]byte(text))
		if err != nil {
			t.Fatalf("decodeProperties(%s): %v", text, err)
		}
		got, err := readProperties([]byte(text))
		if err != nil {
			t.Fatalf("readProperties(%s): %v", text, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("readProperties(%s)\n = %q\nwant %q", text, got, want)
		}
	}
}

func TestReadPropertiesRejectsWhatIsNotAnObject(t *testing.T) {
	t.Parallel()
	for _, text := range []string{``, `[]`, `"x"`, `{"a"}`, `{"a": }`, `{"a": 1]`, `{"a": 1,}`, `{"a": "1}`} {
		if _, err := readProperties([]byte(text)); err == nil {
			t.Errorf("readProperties(%s) succeeded, want an error", text)
		}
	}
}

func TestReadPropertiesValuesDoNotOverlap(t *testing.T) {
	t.Parallel()
	props, err := readProperties([]byte(`{"a": [1], "b": "two"}`))
	if err != nil {
		t.Fatalf("readProperties: %v", err)
	}

	_ = append(props["a"], '!')
	if !bytes.Equal(props["b"], []byte(`"two"`)) {
		t.Errorf("appending to a value changed another: b = %s", props["b"])
	}
}
