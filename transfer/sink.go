package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/client"
)

// Sink stores a batch of upserts. When one item is at fault it returns a
// *rollcall.ItemError naming it, having written nothing, so the importer
// can reject that item and send the rest again.
type Sink interface {
	Identify(ctx context.Context, items []rollcall.Identify) error
}

// StoreSink writes straight into a store's environment.
type StoreSink struct {
	Store rollcall.UserStore
	Env   string
}

// Identify writes items in one transaction.
func (s StoreSink) Identify(ctx context.Context, items []rollcall.Identify) error {
	if err := s.Store.Identify(ctx, s.Env, items); err != nil {
		return fmt.Errorf("store identify: %w", err)
	}
	return nil
}

// ClientSink writes through a rollcall server: users as one batch request,
// groups one request each (the batch endpoint carries users only). A batch
// is all users or all groups, as the importer reads them; a mixed batch is
// refused, since no single request could write it whole or not at all.
type ClientSink struct {
	Client *client.Client
}

// errMixedKinds is ClientSink's answer to a batch of users and groups.
var errMixedKinds = errors.New("identify through a server: a batch mixes users and groups;" +
	" send them in batches of their own")

// Identify sends items; a 400 naming an item becomes a *rollcall.ItemError.
// A user batch writes nothing when an item is at fault. For groups, which
// go one request each, the groups before the one at fault are written, and
// sending them again only repeats their upserts.
func (s ClientSink) Identify(ctx context.Context, items []rollcall.Identify) error {
	if len(items) == 0 {
		return nil
	}
	kind := items[0].Kind
	for _, it := range items[1:] {
		if it.Kind != kind {
			return errMixedKinds
		}
	}
	if kind == rollcall.KindGroup {
		return s.identifyGroups(ctx, items)
	}

	users := make([]client.UserIdentify, 0, len(items))
	for _, it := range items {
		users = append(users, toClient(it))
	}
	if _, err := s.Client.IdentifyBatch(ctx, users); err != nil {
		return batchError(err)
	}
	return nil
}

// identifyGroups sends groups one request each, stopping at the first
// failure.
func (s ClientSink) identifyGroups(ctx context.Context, groups []rollcall.Identify) error {
	for i, it := range groups {
		g := client.GroupIdentify{Identifier: it.Identifier, Properties: it.Properties}
		if err := s.Client.IdentifyGroup(ctx, g); err != nil {
			return itemError(i, err)
		}
	}
	return nil
}

func toClient(it rollcall.Identify) client.UserIdentify {
	u := client.UserIdentify{Identifier: it.Identifier, Properties: it.Properties}
	for _, g := range it.Groups {
		u.Groups = append(u.Groups, client.GroupIdentify(g))
	}
	return u
}

// itemError blames item i for a single request's 400.
func itemError(i int, err error) error {
	var e *client.Error
	if errors.As(err, &e) && e.Status == http.StatusBadRequest {
		return &rollcall.ItemError{Index: i, Err: rollcall.Errorf(e.Code, "%s", e.Details)}
	}
	return fmt.Errorf("identify group: %w", err)
}

// batchError reads the item a batch's 400 names ("item 57: ...") as the
// contract words it.
func batchError(err error) error {
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
		return fmt.Errorf("identify batch: %w", err)
	}

	rest, ok := strings.CutPrefix(e.Details, "item ")
	num, details, found := strings.Cut(rest, ": ")
	index, convErr := strconv.Atoi(num)
	if !ok || !found || convErr != nil {
		return fmt.Errorf("identify batch: %w", err)
	}
	return &rollcall.ItemError{Index: index, Err: rollcall.Errorf(e.Code, "%s", details)}
}
