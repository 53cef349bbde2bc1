package httpapi

import (
	"encoding/json"

	"github.com/rollcall/rollcall"
)

// decodeSegment reads one event of Segment's webhook destination. identify
// and group events upsert; the other event types are accepted and ignored so
// that Segment does not retry them.
func decodeSegment(body any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	event, err := object(body, "the body")
	if err != nil {
		return nil, err
	}

	kind, ok := event["type"].(string)
	if !ok {
		return nil, rollcall.Errorf(rollcall.CodeInvalid,
			"type is required and must be a Segment event type such as identify or group")
	}

	switch kind {
	case "identify":
		return segmentIdentify(event, limits)
	case "group":
		return segmentGroup(event, limits)
	case "track", "page", "screen", "alias":
		return nil, nil
	}
	return nil, rollcall.Errorf(rollcall.CodeInvalid,
		"type %.40q is not a Segment event type; "+
			"expected identify, group, track, page, screen or alias", kind)
}

func segmentIdentify(event map[string]any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	if event["userId"] == nil {
		return nil, nil
	}
	id, err := rollcall.IdentifierFromJSON(event["userId"])
	if err != nil {
		return nil, prefixed(err, "userId: ")
	}

	traits, err := segmentTraits(event, limits)
	if err != nil {
		return nil, err
	}
	return []rollcall.Identify{{Kind: rollcall.KindUser, Identifier: id, Properties: traits}}, nil
}

func segmentGroup(event map[string]any, limits rollcall.Limits) ([]rollcall.Identify, error) {
	group, err := rollcall.IdentifierFromJSON(event["groupId"])
	if err != nil {
		return nil, prefixed(err, "groupId: ")
	}
	traits, err := segmentTraits(event, limits)
	if err != nil {
		return nil, err
	}
	items := []rollcall.Identify{{Kind: rollcall.KindGroup, Identifier: group, Properties: traits}}

	if event["userId"] == nil {
		return items, nil
	}
	user, err := rollcall.IdentifierFromJSON(event["userId"])
	if err != nil {
		return nil, prefixed(err, "userId: ")
	}
	member := rollcall.Identify{
		Kind:       rollcall.KindUser,
		Identifier: user,
		Groups:     []rollcall.GroupIdentify{{Identifier: group}},
	}
	return append(items, member), nil
}

func segmentTraits(event map[string]any, limits rollcall.Limits) (rollcall.Properties, error) {
	traits, err := rollcall.PropertiesFromJSON(event["traits"], limits.MaxDepth)
	if err != nil {
		return nil, prefixed(err, "traits: ")
	}
	return traits, nil
}

// segmentIgnored reports whether data, a body that strict decoding
// refused, still reads as an event that is acknowledged and ignored: a
// track, page, screen or alias, or an identify without userId. It decodes
// leniently (encoding/json turns invalid text into U+FFFD), and it matches
// field names exactly, as the strict path does.
func segmentIgnored(data []byte) bool {
	var event map[string]json.RawMessage
	if err := json.Unmarshal(data, &event); err != nil {
		return false
	}
	var kind string
	if err := json.Unmarshal(event["type"], &kind); err != nil {
		return false
	}

	switch kind {
	case "track", "page", "screen", "alias":
		return true
	case "identify":
		userID, ok := event["userId"]
		return !ok || string(userID) == "null"
	}
	return false
}
