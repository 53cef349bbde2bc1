package httpapi

import (
	"errors"

	"github.com/rollcall/rollcall"
)

// A decoder turns a request body, already parsed by rollcall.DecodeJSON,
// into the upserts it asks for. Decoders only validate; nothing is written
// until the whole body is known to be good.
type decoder func(body any, limits rollcall.Limits) ([]rollcall.Identify, error)

// decodeUser reads the body of POST /identify: an object with identifier,
// properties and groups.
func decodeUser(body any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	item, err := userItem(body, "the body", limits)
	if err != nil {
		return nil, err
	}
	return []rollcall.Identify{item}, nil
}

// userItem reads one user identify; what names it in errors.
func userItem(body any, what string, limits rollcall.Limits) (rollcall.Identify, error) {
	if _, err := object(body, what); err != nil {
		return rollcall.Identify{}, err
	}
	return rollcall.IdentifyFromJSON(body, limits)
}

// decodeGroup reads the body of POST /identify/group.
func decodeGroup(body any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	if _, err := object(body, "the body"); err != nil {
		return nil, err
	}
	item, err := rollcall.GroupIdentifyFromJSON(body, limits)
	if err != nil {
		return nil, err
	}
	return []rollcall.Identify{item}, nil
}

// decodeProperties reads the body of the older POST /identify/{identifier}:
// the properties object itself. The identifier comes from the path.
func decodeProperties(id string) decoder {
	return func(body any, limits rollcall.Limits) ([]rollcall.Identify, error) {
		if err := rollcall.ValidateIdentifier(id); err != nil {
			return nil, err
		}
		if _, ok := body.(map[string]any); !ok && body != nil {
			return nil, rollcall.Errorf(rollcall.CodeInvalid,
				"the body must be the properties object, not %s", rollcall.JSONType(body))
		}

		props, err := rollcall.PropertiesFromJSON(body, limits.MaxDepth)
		if err != nil {
			return nil, err
		}
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id, Properties: props}
		return []rollcall.Identify{item}, nil
	}
}

// decodeBatch reads the body of POST /identify/batch: an array of bodies
// shaped like POST /identify's. A fault is an *rollcall.ItemError.
func decodeBatch(body any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	list, err := batchList(body)
	if err != nil {
		return nil, err
	}

	items := make([]rollcall.Identify, 0, len(list))
	for i, v := range list {
		item, err := userItem(v, "each item", limits)
		if err != nil {
			return nil, &rollcall.ItemError{Index: i, Err: err}
		}
		items = append(items, item)
	}
	return items, nil
}

// decodeBulk reads the body of POST /identify/bulk: an array of flat
// objects where __dopt_identifier, or else identifier, names the user and
// every other key is a property.
func decodeBulk(body any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	list, err := batchList(body)
	if err != nil {
		return nil, err
	}

	items := make([]rollcall.Identify, 0, len(list))
	for i, v := range list {
		item, err := bulkItem(v, limits)
		if err != nil {
			return nil, &rollcall.ItemError{Index: i, Err: err}
		}
		items = append(items, item)
	}
	return items, nil
}

func bulkItem(v any, limits rollcall.Limits) (rollcall.Identify, error) {
	obj, err := object(v, "each item")
	if err != nil {
		return rollcall.Identify{}, err
	}

	idKey, err := bulkIdentifierKey(obj)
	if err != nil {
		return rollcall.Identify{}, err
	}
	id, err := rollcall.IdentifierFromJSON(obj[idKey])
	if idKey != "identifier" {
		// The root's details start "identifier ...", which needs no prefix
		// when that is the field's own name.
		err = prefixed(err, "%s: ", idKey)
	}
	if err != nil {
		return rollcall.Identify{}, err
	}

	rest := make(map[string]any, len(obj))
	for k, val := range obj {
		if k != idKey {
			rest[k] = val
		}
	}
	props, err := rollcall.PropertiesFromJSON(rest, limits.MaxDepth)
	if err != nil {
		return rollcall.Identify{}, err
	}
	return rollcall.Identify{Kind: rollcall.KindUser, Identifier: id, Properties: props}, nil
}

// bulkIdentifierKey returns the field of a bulk item that names its user:
// __dopt_identifier, or else identifier.
func bulkIdentifierKey(obj map[string]any) (string, error) {
	for _, k := range []string{"__dopt_identifier", "identifier"} {
		if _, ok := obj[k]; ok {
			return k, nil
		}
	}
	return "", rollcall.Errorf(rollcall.CodeInvalid,
		"__dopt_identifier or identifier is required: a string or an integer")
}

// batchList checks that body is an array of at most MaxBatchItems values.
func batchList(body any) ([]any, error) {
	list, ok := body.([]any)
	if !ok {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"the body must be an array of items, not %s", rollcall.JSONType(body))
	}
	if len(list) > rollcall.MaxBatchItems {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"the batch has %d items; the limit is %d, so split it",
			len(list), rollcall.MaxBatchItems)
	}
	return list, nil
}

// object checks that v is a JSON object; what names v in the error.
func object(v any, what string) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"%s must be a JSON object, not %s", what, rollcall.JSONType(v))
	}
	return obj, nil
}

// prefixed puts a field name before the details of a client error, so a
// person knows which of several identifiers was at fault. Other errors pass
// through unchanged.
func prefixed(err error, format string, args ...any) error {
	var e *rollcall.Error
	if !errors.As(err, &e) {
		return err
	}
	p := rollcall.Errorf(e.Code, format, args...)
	return &rollcall.Error{Code: e.Code, Details: p.Details + e.Details}
}
