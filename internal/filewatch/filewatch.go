// Package filewatch tells when the files of a plugin change, by polling:
// the files a package would hold (ignored ones are not watched), and a
// change sent once it has settled. Remote debugging and the playground
// restart the plugin on it.
package filewatch

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dify-cli/dify/pack"
)

// Stamp is what tells a file changed.
type Stamp struct {
	size int64
	mod  time.Time
}

// Snapshot records the files a package of dir would contain: ignored
// files are not watched.
func Snapshot(dir string) (map[string]Stamp, error) {
	plan, err := pack.OpenDir(dir, pack.PlanOptions{MaxSize: 1 << 40})
	if err != nil {
		return nil, err
	}
	defer plan.Close()
	out := make(map[string]Stamp, len(plan.Files))
	for _, f := range plan.Files {
		if plan.IsGenerated(f.Path) {
			continue
		}
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			continue
		}
		out[f.Path] = Stamp{size: st.Size(), mod: st.ModTime()}
	}
	return out, nil
}

// Changes lists the files added, removed or changed between two snapshots.
func Changes(before, after map[string]Stamp) []string {
	var out []string
	for name, s := range after {
		if old, ok := before[name]; !ok || old != s {
			out = append(out, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// pollEvery is how often the files are looked at. A change is sent once a
// whole poll finds nothing more changed: an editor saving several files or
// a git checkout restarts the plugin once, and files that keep changing
// faster than the poll hold the restart back until they stop.
const pollEvery = 400 * time.Millisecond

// Watch sends the files changed in dir, once they have settled, until ctx
// ends.
func Watch(ctx context.Context, dir string, out chan<- []string) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	loop(ctx, tick.C, func() (map[string]Stamp, error) { return Snapshot(dir) }, out)
}

// loop is Watch with its clock and its view of the files given.
func loop(ctx context.Context, ticks <-chan time.Time, snap func() (map[string]Stamp, error), out chan<- []string) {
	last, _ := snap()
	pending := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		now, err := snap()
		if err != nil {
			continue
		}
		if changed := Changes(last, now); len(changed) > 0 {
			for _, p := range changed {
				pending[p] = true
			}
			last = now
			continue
		}
		if len(pending) == 0 {
			continue
		}
		select {
		case out <- slices.Sorted(maps.Keys(pending)):
		case <-ctx.Done():
			return
		}
		pending = map[string]bool{}
	}
}
