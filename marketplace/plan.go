package marketplace

import (
	"context"
	"io"
	"os"

	"github.com/dify-cli/dify/pack"
)

// FromPlan is the plugin a pack.Plan describes: a directory as packaging
// would take it, or a .difypkg as it is.
func FromPlan(ctx context.Context, p *pack.Plan) (Plugin, error) {
	pl := Plugin{FS: p, Name: p.From, PackageSize: -1, LeaveOut: p.LeaveOut, Contents: p.Kept, Secrets: p.Secrets}
	if a := p.Archive(); a != nil {
		st, err := os.Stat(p.From)
		if err != nil {
			return Plugin{}, err
		}
		pl.PackageSize = st.Size()
		modes := map[string]bool{}
		for _, f := range a.File {
			if f.Mode()&0o111 != 0 && f.Mode().IsRegular() {
				modes[f.Name] = true
			}
		}
		pl.Exec = func(name string) bool { return modes[name] }
		return pl, nil
	}
	// A package is never much larger than its files: only when they come
	// near the limit is it worth writing it to know.
	if p.TotalSize()+int64(len(p.Files))*256 > maxPackageBytes {
		var n counter
		if err := pack.Write(ctx, &n, p, pack.WriteOptions{MaxSize: p.MaxSize}); err != nil {
			return Plugin{}, err
		}
		pl.PackageSize = int64(n)
	}
	return pl, nil
}

type counter int64

func (c *counter) Write(b []byte) (int, error) {
	*c += counter(len(b))
	return len(b), nil
}

var _ io.Writer = (*counter)(nil)
