package loadgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
)

// propertyPool is how many property objects are encoded ahead of time;
// each item picks one at random, so updates change values.
const propertyPool = 256

// generator builds request bodies from pre-encoded property objects. Only
// the identifiers are written per request, since drawing them from a large
// range is what makes updates touch the whole table.
type generator struct {
	cfg   Config
	props [][]byte
	// jsonPrefix and pathPrefix are Config.Prefix escaped once for a JSON
	// string and for a URL path, so any prefix is safe.
	jsonPrefix []byte
	pathPrefix string
}

func newGenerator(cfg Config) *generator {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	quoted, _ := json.Marshal(cfg.Prefix) // a string always encodes
	g := &generator{
		cfg:        cfg,
		jsonPrefix: quoted[1 : len(quoted)-1],
		pathPrefix: url.PathEscape(cfg.Prefix),
	}
	for range propertyPool {
		g.props = append(g.props, PropertyObject(r, cfg.Properties))
	}
	return g
}

// PropertyObject returns a JSON object of n properties shaped like those
// applications send: an email, a name, a plan, numbers, a boolean, a
// timestamp, an array, then short strings and integers. The load
// generator and the raw store benchmark share it so their rows match.
func PropertyObject(r *rand.Rand, n int) []byte {
	obj := make(map[string]any, n)
	for i := range n {
		k, v := property(r, i)
		obj[k] = v
	}
	out, err := json.Marshal(obj)
	if err != nil {
		// Only strings, numbers, booleans and slices of them go in.
		panic(fmt.Sprintf("loadgen: encode properties: %v", err))
	}
	return out
}

func property(r *rand.Rand, i int) (string, any) {
	plans := []string{"free", "team", "pro", "enterprise"}
	switch i {
	case 0:
		return "email", fmt.Sprintf("person%d@example.com", r.IntN(1_000_000))
	case 1:
		return "name", fmt.Sprintf("Person %d", r.IntN(1_000_000))
	case 2:
		return "plan", plans[r.IntN(len(plans))]
	case 3:
		return "seats", r.IntN(500)
	case 4:
		return "active", r.IntN(2) == 1
	case 5:
		return "signedUpAt", fmt.Sprintf("2025-%02d-%02dT10:00:00.000Z", 1+r.IntN(12), 1+r.IntN(28))
	case 6:
		return "score", json.Number(strconv.FormatFloat(r.Float64()*100, 'f', 2, 64))
	case 7:
		return "tags", []string{"beta", plans[r.IntN(len(plans))]}
	}
	if i%2 == 0 {
		return "prop" + strconv.Itoa(i), "value-" + strconv.Itoa(r.IntN(1_000_000))
	}
	return "prop" + strconv.Itoa(i), r.IntN(1_000_000)
}

// Identifier returns the identifier numbered n under prefix, as the load
// generator names users: prefix followed by n in decimal.
func Identifier(prefix string, n int64) string {
	return prefix + strconv.FormatInt(n, 10)
}

// readPath returns the path that reads user n.
func (g *generator) readPath(n int64) string {
	return "/users/" + g.pathPrefix + strconv.FormatInt(n, 10)
}

// userNumber picks the user that item k of the run names.
func (g *generator) userNumber(r *rand.Rand, k int64) int64 {
	if g.cfg.Sequential {
		return g.cfg.Start + k
	}
	return r.Int64N(g.cfg.Users)
}

// appendItem appends one identify body for user n.
func (g *generator) appendItem(buf []byte, r *rand.Rand, n int64) []byte {
	buf = append(buf, `{"identifier":"`...)
	buf = append(buf, g.jsonPrefix...)
	buf = strconv.AppendInt(buf, n, 10)
	buf = append(buf, `","properties":`...)
	buf = append(buf, g.props[r.IntN(len(g.props))]...)
	return append(buf, '}')
}

// appendBatch appends a batch body naming the items of request seq.
func (g *generator) appendBatch(buf []byte, r *rand.Rand, seq int64) []byte {
	size := int64(g.cfg.BatchSize)
	buf = append(buf, '[')
	for i := range size {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = g.appendItem(buf, r, g.userNumber(r, seq*size+i))
	}
	return append(buf, ']')
}
