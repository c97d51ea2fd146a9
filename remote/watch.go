package remote

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dify-cli/dify/pack"
)

// stamp is what tells a file changed.
type stamp struct {
	size int64
	mod  time.Time
}

// snapshot records the files a package of dir would contain: ignored
// files are not watched.
func snapshot(dir string) (map[string]stamp, error) {
	plan, err := pack.OpenDir(dir, pack.PlanOptions{MaxSize: 1 << 40})
	if err != nil {
		return nil, err
	}
	defer plan.Close()
	out := make(map[string]stamp, len(plan.Files))
	for _, f := range plan.Files {
		if plan.IsGenerated(f.Path) {
			continue
		}
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			continue
		}
		out[f.Path] = stamp{size: st.Size(), mod: st.ModTime()}
	}
	return out, nil
}

// changes lists the files added, removed or changed between two snapshots.
func changes(before, after map[string]stamp) []string {
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

// watch sends the files changed in dir, once they have settled, until ctx
// ends.
func watch(ctx context.Context, dir string, out chan<- []string) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	watchLoop(ctx, tick.C, func() (map[string]stamp, error) { return snapshot(dir) }, out)
}

// watchLoop is watch with its clock and its view of the files given.
func watchLoop(ctx context.Context, ticks <-chan time.Time, snap func() (map[string]stamp, error), out chan<- []string) {
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
		if changed := changes(last, now); len(changed) > 0 {
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
