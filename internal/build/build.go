// Package build knows which version of dify is running.
//
// Release builds set Version, Commit and Date with
//
//	-ldflags "-X github.com/dify-cli/dify/internal/build.Version=1.2.3 ..."
//
// Other builds (go build, go install) fall back to what the Go toolchain
// records in the binary: the module version and the VCS revision.
package build

import (
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// Floor is the lowest version any build reports. The Dify SDK's test harness
// (dify_plugin.integration) refuses a CLI whose `version` is below 0.1.0, so
// a build from a checkout or an untagged commit reports Floor with the commit
// as a local label (0.1.0+dev.g1a2b3c4d5e6f), which it accepts.
const Floor = "0.1.0"

// Set by the linker in release builds.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info describes the running binary.
type Info struct {
	Version   string `json:"version"` // PEP 440 form, e.g. 1.2.3, 1.3.0rc1, 0.1.0+dev.g1a2b3c4d5e6f
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	GoVersion string `json:"go_version"`
	Modified  bool   `json:"modified,omitempty"`
}

// Read returns the build information of the running binary.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(Version, Commit, Date, bi)
}

func fromBuildInfo(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{Commit: commit, Date: date}
	if bi != nil {
		info.GoVersion = bi.GoVersion
		if version == "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	info.Version = PEP440(version)
	if strings.HasPrefix(info.Version, "0.0.0") {
		info.Version = Floor + "+" + devLabel(info.Commit, info.Modified)
	}
	return info
}

// devLabel is the local version label of a build with no release version:
// "dev", then the abbreviated commit and "dirty" when known.
func devLabel(commit string, modified bool) string {
	label := "dev"
	if c := localRe().ReplaceAllString(commit, ""); c != "" {
		label += ".g" + c[:min(len(c), 12)]
	}
	if modified {
		label += ".dirty"
	}
	return strings.ToLower(label)
}

var (
	preRe   = lazyregexp.New(`^(alpha|a|beta|b|rc|c|pre|preview|dev)[.-]?(\d*)$`)
	localRe = lazyregexp.New(`[^0-9A-Za-z]+`)
)

// PEP440 turns a Go module or tag version into a version Python tooling
// accepts (PEP 440), because the Dify Python SDK parses `dify version`.
// Semantic versions and Go's pseudo-versions are read with
// golang.org/x/mod, the toolchain's own rules. Unknown or development
// versions become 0.0.0.dev0 (which Read raises to Floor).
func PEP440(v string) string {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) {
		return "0.0.0.dev0"
	}
	build := strings.TrimPrefix(semver.Build(v), "+")
	core := strings.TrimSuffix(v, semver.Build(v))
	release := strings.TrimPrefix(strings.TrimSuffix(core, semver.Prerelease(core)), "v")
	if n := strings.Count(release, "."); n < 2 {
		release += strings.Repeat(".0", 2-n)
	}
	out := release
	var local []string
	if module.IsPseudoVersion(core) {
		// vX.Y.Z-yyyymmddhhmmss-hash, vX.Y.(Z+1)-0.yyyymmddhhmmss-hash,
		// vX.Y.Z-pre.0.yyyymmddhhmmss-hash: the pre-release of the base,
		// a dev release at the commit time, the commit as a local label.
		base, _ := module.PseudoVersionBase(core)
		if pre := strings.TrimPrefix(semver.Prerelease(base), "-"); pre != "" {
			out += pep440Pre(pre, &local)
		}
		t, _ := module.PseudoVersionTime(core)
		rev, _ := module.PseudoVersionRev(core)
		out += ".dev" + t.UTC().Format("20060102150405")
		local = append(local, rev)
	} else if pre := strings.TrimPrefix(semver.Prerelease(core), "-"); pre != "" {
		out += pep440Pre(pre, &local)
	}
	if build != "" {
		local = append(local, localRe().ReplaceAllString(build, "."))
	}
	if len(local) > 0 {
		out += "+" + strings.Trim(strings.Join(local, "."), ".")
	}
	return out
}

// pep440Pre converts a semver pre-release (rc.1, beta2, snapshot) into PEP 440
// (rc1, b2); anything unrecognised becomes a dev release with the text kept as
// a local label.
func pep440Pre(pre string, local *[]string) string {
	p := preRe().FindStringSubmatch(strings.ToLower(pre))
	if p == nil {
		*local = append(*local, localRe().ReplaceAllString(pre, "."))
		return ".dev0"
	}
	n := p[2]
	if n == "" {
		n = "0"
	}
	switch p[1] {
	case "alpha", "a":
		return "a" + n
	case "beta", "b":
		return "b" + n
	case "dev":
		return ".dev" + n
	}
	return "rc" + n
}
