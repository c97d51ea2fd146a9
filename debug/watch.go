package debug

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

// Watch intervals: how often files are looked at, and how long they must
// stay unchanged before a restart (an editor saving several files, a git
// checkout).
const (
	pollEvery = 400 * time.Millisecond
	settle    = 300 * time.Millisecond
)

// watch sends the files changed in dir, once they have settled, until ctx
// ends.
func watch(ctx context.Context, dir string, out chan<- []string) {
	last, _ := snapshot(dir)
	var pending []string
	var quiet <-chan time.Time
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			now, err := snapshot(dir)
			if err != nil {
				continue
			}
			if changed := changes(last, now); len(changed) > 0 {
				pending = append(pending, changed...)
				last = now
				quiet = time.After(settle)
			}
		case <-quiet:
			quiet = nil
			set := map[string]bool{}
			for _, p := range pending {
				set[p] = true
			}
			pending = nil
			select {
			case out <- slices.Sorted(maps.Keys(set)):
			case <-ctx.Done():
				return
			}
		}
	}
}
