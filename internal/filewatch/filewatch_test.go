package filewatch

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Files that change at every poll hold the restart back; the first poll
// that finds nothing new sends everything that changed, once.
func TestWatchWaitsForTheFilesToSettle(t *testing.T) {
	ticks := make(chan time.Time)
	snaps := make(chan map[string]Stamp)
	out := make(chan []string) // unbuffered: a send blocks the loop until taken
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go loop(ctx, ticks, func() (map[string]Stamp, error) { return <-snaps, nil }, out)

	at := func(sec int) time.Time { return time.Unix(int64(sec), 0) }
	snaps <- map[string]Stamp{"main.py": {1, at(0)}}
	// poll makes the loop look at the files after checking that the last
	// look sent nothing: a loop that sends cannot take the next tick.
	poll := func(files map[string]Stamp) {
		t.Helper()
		select {
		case got := <-out:
			t.Fatalf("sent %v too early", got)
		case ticks <- time.Time{}:
		}
		snaps <- files
	}
	// A file written at every poll, and another file changed once.
	for i := 1; i <= 5; i++ {
		poll(map[string]Stamp{"main.py": {1, at(0)}, "log.txt": {int64(i), at(i)}, "tools/a.py": {1, at(min(i, 2))}})
	}
	poll(map[string]Stamp{"main.py": {1, at(0)}, "log.txt": {5, at(5)}, "tools/a.py": {1, at(2)}})
	if got := <-out; !slices.Equal(got, []string{"log.txt", "tools/a.py"}) {
		t.Errorf("sent %v", got)
	}
	// Nothing more until something changes again.
	poll(map[string]Stamp{"main.py": {1, at(0)}, "log.txt": {5, at(5)}, "tools/a.py": {1, at(2)}})
	poll(map[string]Stamp{"log.txt": {5, at(5)}, "tools/a.py": {1, at(2)}})
	poll(map[string]Stamp{"log.txt": {5, at(5)}, "tools/a.py": {1, at(2)}})
	if got := <-out; !slices.Equal(got, []string{"main.py"}) {
		t.Errorf("a removed file: %v", got)
	}
}
