// Package groupcommit holds what the two stores' group commit share: taking,
// without waiting, every write already queued behind the first.
package groupcommit

// Gather returns first followed by every value already waiting in queue, up
// to max values in all. It never waits: a lone write is not held back for
// company, and writes that arrive while a group commits form the next one.
func Gather[T any](first T, queue <-chan T, max int) []T {
	group := []T{first}
	for len(group) < max {
		select {
		case v := <-queue:
			group = append(group, v)
		default:
			return group
		}
	}
	return group
}
