// Package offline builds plugin packages that install with no network: the
// wheels of every dependency go into wheels/, and requirements.txt tells
// the installer to use them and nothing else. The wheels are chosen per
// target (platform and Python) from what uv.lock names, or from the
// closure of a requirements.txt (resolve.go), the way pip and uv choose
// them.
package offline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/uvlock/marker"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// DaemonGlibc is the C library of the Dify daemon's image (Ubuntu 24.04):
// the newest manylinux wheels it runs.
const DaemonGlibc = "2.39"

// Target is one kind of machine an offline package installs on: the Dify
// daemon runs CPython on Linux.
type Target struct {
	Arch   string // amd64 or arm64, as manifest.yaml's meta.arch names them
	Python string // 3.12, or a full version such as 3.12.3
	Glibc  string // 2.39
}

// DaemonPython is the Python the daemon installs every plugin with,
// whatever meta.runner.version says.
const DaemonPython = "3.12"

// Targets are the machines an offline package is built for: the given
// platforms and Python version, else the manifest's meta.arch (both
// architectures when it names none) and the daemon's Python 3.12.
func Targets(m *manifest.Manifest, platforms []string, python string) ([]Target, error) {
	if python == "" {
		python = DaemonPython
	}
	python, err := ParsePython(python)
	if err != nil {
		return nil, err
	}
	if len(platforms) == 0 {
		platforms = m.Meta.Arch
	}
	if len(platforms) == 0 {
		platforms = []string{"amd64", "arm64"}
	}
	var out []Target
	for _, p := range platforms {
		arch, err := ParseArch(p)
		if err != nil {
			return nil, err
		}
		t := Target{Arch: arch, Python: python, Glibc: DaemonGlibc}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (t Target) String() string {
	return fmt.Sprintf("linux/%s, Python %s", t.Arch, t.minor())
}

// Machine is the target's platform_machine: x86_64 or aarch64.
func (t Target) Machine() string {
	if t.Arch == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

// ParseArch reads an architecture as people write it: amd64, arm64,
// linux/amd64, x86_64, aarch64.
func ParseArch(s string) (string, error) {
	s = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "linux/")
	switch s {
	case "amd64", "x86_64", "x64":
		return "amd64", nil
	case "arm64", "aarch64":
		return "arm64", nil
	}
	return "", fmt.Errorf("platform %q is not one Dify runs on: use linux/amd64 or linux/arm64", s)
}

// ParsePython reads a Python version: 3.12 or 3.12.3.
func ParsePython(s string) (string, error) {
	v, err := pep440.Parse(strings.TrimSpace(s))
	if err != nil || !v.IsReleaseOnly() || v.Epoch != 0 || len(v.Release) < 2 || len(v.Release) > 3 || v.Release[0] != 3 {
		return "", fmt.Errorf("python version %q is not 3.X or 3.X.Y", s)
	}
	return v.String(), nil
}

func (t Target) minor() string { return pep440.MajorMinorOf(t.Python) }

func (t Target) minorNumber() int {
	v, _ := pep440.Parse(t.Python)
	n := 0
	if len(v.Release) > 1 {
		n = int(v.Release[1])
	}
	return n
}

// full is the Python version markers compare with python_full_version: the
// version given, or X.Y.0.
func (t Target) full() string {
	if strings.Count(t.Python, ".") == 2 {
		return t.Python
	}
	return t.Python + ".0"
}

// Environment is the target's values of the PEP 508 marker variables.
func (t Target) Environment() marker.Environment {
	return marker.Environment{
		"python_version":                 t.minor(),
		"python_full_version":            t.full(),
		"implementation_name":            "cpython",
		"implementation_version":         t.full(),
		"platform_python_implementation": "CPython",
		"sys_platform":                   "linux",
		"platform_system":                "Linux",
		"os_name":                        "posix",
		"platform_machine":               t.Machine(),
	}
}

// Tags lists the wheel tags the target installs, best first, in the order
// of packaging.tags.sys_tags(), which pip and uv follow: CPython's own ABI,
// abi3 and none on each Linux platform, older abi3, then pure Python tags
// on each platform, then the platform-independent ones.
func (t Target) Tags() []string {
	platforms := t.platforms()
	minor := t.minorNumber()
	cp := "cp3" + strconv.Itoa(minor)
	var tags []string
	add := func(py, abi string, plats []string) {
		for _, p := range plats {
			tags = append(tags, py+"-"+abi+"-"+p)
		}
	}
	add(cp, cp, platforms)
	add(cp, "abi3", platforms)
	add(cp, "none", platforms)
	for m := minor - 1; m >= 2; m-- {
		add("cp3"+strconv.Itoa(m), "abi3", platforms)
	}
	pys := []string{"py3" + strconv.Itoa(minor), "py3"}
	for m := minor - 1; m >= 0; m-- {
		pys = append(pys, "py3"+strconv.Itoa(m))
	}
	for _, py := range pys {
		add(py, "none", platforms)
	}
	tags = append(tags, cp+"-none-any")
	for _, py := range pys {
		tags = append(tags, py+"-none-any")
	}
	return tags
}

// platforms are the Linux platform tags the target's glibc runs, newest
// first: manylinux_2_N down to the oldest of the architecture, each legacy
// alias right after its version, then the plain linux tag.
func (t Target) platforms() []string {
	arch := t.Machine()
	glibcMinor := 39
	if parts := strings.SplitN(t.Glibc, ".", 2); len(parts) == 2 {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			glibcMinor = n
		}
	}
	oldest := 17 // manylinux2014 is the first for aarch64
	if arch == "x86_64" {
		oldest = 5
	}
	legacy := map[int]string{17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
	var out []string
	for n := glibcMinor; n >= oldest; n-- {
		out = append(out, fmt.Sprintf("manylinux_2_%d_%s", n, arch))
		if l, ok := legacy[n]; ok {
			out = append(out, l+"_"+arch)
		}
	}
	return append(out, "linux_"+arch)
}
