package rollcall

import (
	"errors"
	"slices"
	"strings"
)

// userFields are the fields of a user identify. Any other field is
// refused, so that a misspelt field is reported rather than silently
// dropped; the published Dopt clients send only these.
func userFields() []string {
	return []string{"identifier", "properties", "groups"}
}

// groupFields are the fields of a group identify, alone or in groups.
func groupFields() []string {
	return []string{"identifier", "properties"}
}

// IdentifyFromJSON reads one user identify shaped like the body of POST
// /identify, decoded by DecodeJSON: an object with identifier, properties
// and at most MaxGroupsPerIdentify groups, and no other field. Faults are
// *Error values with CodeInvalid.
func IdentifyFromJSON(v any, limits Limits) (Identify, error) {
	obj, err := identifyObject(v)
	if err != nil {
		return Identify{}, err
	}
	if err := knownFields(obj, userFields()); err != nil {
		return Identify{}, err
	}

	id, props, err := identified(obj, limits)
	if err != nil {
		return Identify{}, err
	}

	groups, err := groupList(obj["groups"], limits)
	if err != nil {
		return Identify{}, err
	}
	return Identify{Kind: KindUser, Identifier: id, Properties: props, Groups: groups}, nil
}

// GroupIdentifyFromJSON reads one group identify shaped like the body of
// POST /identify/group: an object with identifier and properties only.
func GroupIdentifyFromJSON(v any, limits Limits) (Identify, error) {
	obj, err := identifyObject(v)
	if err != nil {
		return Identify{}, err
	}
	if err := knownFields(obj, groupFields()); err != nil {
		return Identify{}, err
	}

	id, props, err := identified(obj, limits)
	if err != nil {
		return Identify{}, err
	}
	return Identify{Kind: KindGroup, Identifier: id, Properties: props}, nil
}

// identifyObject checks that v is a JSON object. Callers that know what v
// is (a body, a batch item, a file's row) check first, in their own words.
func identifyObject(v any) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(CodeInvalid, "an identify must be a JSON object, not %s", JSONType(v))
	}
	return obj, nil
}

// identified reads the identifier and properties fields of obj.
func identified(obj map[string]any, limits Limits) (string, Properties, error) {
	id, err := IdentifierFromJSON(obj["identifier"])
	if err != nil {
		return "", nil, err
	}

	props, err := PropertiesFromJSON(obj["properties"], limits.MaxDepth)
	if err != nil {
		return "", nil, err
	}
	return id, props, nil
}

// groupList reads the groups field of a user identify: absent, null, or an
// array of objects shaped like a group identify.
func groupList(v any, limits Limits) ([]GroupIdentify, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, Errorf(CodeInvalid, "groups must be an array of objects, not %s", JSONType(v))
	}
	if len(list) > MaxGroupsPerIdentify {
		return nil, Errorf(CodeInvalid,
			"groups has %d entries; at most %d may be sent in one identify",
			len(list), MaxGroupsPerIdentify)
	}

	groups := make([]GroupIdentify, 0, len(list))
	for i, g := range list {
		obj, ok := g.(map[string]any)
		if !ok {
			return nil, Errorf(CodeInvalid,
				"groups[%d] must be an object with identifier and properties, not %s",
				i, JSONType(g))
		}
		group, err := groupEntry(obj, limits)
		if err != nil {
			return nil, prefixed(err, "groups[%d]: ", i)
		}
		groups = append(groups, group)
	}
	return groups, nil
}

// groupEntry reads one entry of a user identify's groups.
func groupEntry(obj map[string]any, limits Limits) (GroupIdentify, error) {
	if err := knownFields(obj, groupFields()); err != nil {
		return GroupIdentify{}, err
	}

	id, props, err := identified(obj, limits)
	if err != nil {
		return GroupIdentify{}, err
	}
	return GroupIdentify{Identifier: id, Properties: props}, nil
}

// knownFields refuses the first field of obj, in byte order, that is not
// one of fields.
func knownFields(obj map[string]any, fields []string) error {
	var unknown []string
	for k := range obj {
		if !slices.Contains(fields, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}

	slices.Sort(unknown)
	return Errorf(CodeInvalid, "unknown field %.40q; the fields are %s",
		unknown[0], listWords(fields))
}

// listWords joins words as a sentence lists them: "a, b and c".
func listWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// prefixed puts a field name before the details of a client error, so a
// person knows which of several fields was at fault. Other errors pass
// through unchanged.
func prefixed(err error, format string, args ...any) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	p := Errorf(e.Code, format, args...)
	return &Error{Code: e.Code, Details: p.Details + e.Details}
}
