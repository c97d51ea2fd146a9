package offline

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dify-cli/dify/explain"
	"github.com/dify-cli/dify/manifest"
)

func TestTagsFollowSysTags(t *testing.T) {
	tags := Target{Arch: "amd64", Python: "3.12", Glibc: "2.39"}.Tags()
	index := func(tag string) int {
		i := slices.Index(tags, tag)
		if i < 0 {
			t.Fatalf("%s is not a tag of the target", tag)
		}
		return i
	}
	// packaging.tags.sys_tags() for CPython 3.12 on glibc 2.39 x86_64.
	if tags[0] != "cp312-cp312-manylinux_2_39_x86_64" {
		t.Errorf("the best tag is %s", tags[0])
	}
	order := []string{
		"cp312-cp312-manylinux_2_39_x86_64",
		"cp312-cp312-manylinux_2_17_x86_64",
		"cp312-cp312-manylinux2014_x86_64",
		"cp312-cp312-manylinux_2_5_x86_64",
		"cp312-cp312-manylinux1_x86_64",
		"cp312-cp312-linux_x86_64",
		"cp312-abi3-manylinux_2_39_x86_64",
		"cp312-none-manylinux_2_39_x86_64",
		"cp311-abi3-manylinux_2_17_x86_64",
		"cp32-abi3-linux_x86_64",
		"py312-none-manylinux_2_39_x86_64",
		"py3-none-manylinux_2_39_x86_64",
		"py311-none-linux_x86_64",
		"cp312-none-any",
		"py312-none-any",
		"py3-none-any",
		"py30-none-any",
	}
	for i := 1; i < len(order); i++ {
		if index(order[i-1]) >= index(order[i]) {
			t.Errorf("%s should come before %s", order[i-1], order[i])
		}
	}
	if tags[len(tags)-1] != "py30-none-any" {
		t.Errorf("the last tag is %s", tags[len(tags)-1])
	}
	for _, tag := range tags {
		if strings.Contains(tag, "musllinux") || strings.Contains(tag, "aarch64") || strings.Contains(tag, "manylinux_2_40") {
			t.Errorf("%s does not install on the target", tag)
		}
	}

	arm := Target{Arch: "arm64", Python: "3.12", Glibc: "2.39"}.Tags()
	if slices.Contains(arm, "cp312-cp312-manylinux_2_16_aarch64") || !slices.Contains(arm, "cp312-cp312-manylinux2014_aarch64") {
		t.Error("aarch64 manylinux starts at 2_17 (manylinux2014)")
	}
}

func TestWheelRanks(t *testing.T) {
	x86 := rank(Target{Arch: "amd64", Python: "3.12", Glibc: "2.39"})
	for file, want := range map[string]bool{
		"numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl": true,
		"numpy-2.1.0-cp312-cp312-musllinux_1_1_x86_64.whl":                       false,
		"numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.whl":                      false,
		"numpy-2.1.0-cp312-cp312-manylinux_2_40_x86_64.whl":                      false,
		"numpy-2.1.0-cp312-cp312-macosx_11_0_arm64.whl":                          false,
		"cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl":                true,
		"six-1.16.0-py2.py3-none-any.whl":                                        true,
		"pkg-1.0-1-py3-none-any.whl":                                             true,
	} {
		w, err := ParseWheel(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := x86.of(w) >= 0; got != want {
			t.Errorf("%s installs: %v, want %v", file, got, want)
		}
	}
	w, _ := ParseWheel("pkg-1.0-7b-py3-none-any.whl")
	if w.Build != 7 || w.Name != "pkg" {
		t.Errorf("%+v", w)
	}
	if _, err := ParseWheel("pkg-1.0.tar.gz"); err == nil {
		t.Error("an sdist parsed as a wheel")
	}
	if _, err := ParseWheel("pkg-1.0-py3.whl"); err == nil {
		t.Error("a short name parsed as a wheel")
	}
}

func TestDifySettingsForOfflinePackages(t *testing.T) {
	small := strings.Join(DifySettings(10<<20, 9<<20, ""), "\n")
	for _, want := range []string{"the defaults (50 MiB) are enough", "at least 9M", "FORCE_VERIFYING_SIGNATURE=false"} {
		if !strings.Contains(small, want) {
			t.Errorf("small package: %q lacks %q", small, want)
		}
	}
	big := strings.Join(DifySettings(300<<20+1, 120<<20, "keys/acme.private.pem"), "\n")
	for _, want := range []string{"PLUGIN_MAX_PACKAGE_SIZE=315621376 (Dify API) and MAX_PLUGIN_PACKAGE_SIZE=315621376", "at least 120M",
		"THIRD_PARTY_SIGNATURE_VERIFICATION_ENABLED=true", "acme.public.pem"} {
		if !strings.Contains(big, want) {
			t.Errorf("big signed package: %q lacks %q", big, want)
		}
	}
	if strings.Contains(big, "FORCE_VERIFYING_SIGNATURE") {
		t.Error("a signed package is told to turn verification off")
	}
}

func TestTargets(t *testing.T) {
	m := &manifest.Manifest{}
	m.Meta.Arch = []string{"arm64"}
	m.Meta.Runner.Version = "3.11"
	for _, c := range []struct {
		platforms []string
		python    string
		want      string // targets, or the error
	}{
		{nil, "", "linux/arm64, Python 3.12"}, // the daemon's, whatever the manifest says
		{[]string{"linux/amd64", "amd64", "arm64"}, "3.12.3", "linux/amd64, Python 3.12|linux/arm64, Python 3.12"},
		{[]string{"windows/amd64"}, "", `platform "windows/amd64" is not one Dify runs on: use linux/amd64 or linux/arm64`},
		{nil, "2.7", `python version "2.7" is not 3.X or 3.X.Y`},
	} {
		targets, err := Targets(m, c.platforms, c.python)
		var got []string
		for _, t := range targets {
			got = append(got, t.String())
		}
		if err != nil {
			got = []string{err.Error()}
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("Targets(%q, %q) = %q, want %q", c.platforms, c.python, got, c.want)
		}
	}
	none, err := Targets(&manifest.Manifest{}, nil, "")
	if err != nil || len(none) != 2 || none[0].Python != "3.12" || none[0].Glibc != DaemonGlibc {
		t.Errorf("without meta.arch and a runner version: %+v, %v; want amd64 and arm64, Python 3.12", none, err)
	}
}

// The settings name the explanations of the errors they prevent, and each
// exists.
func TestDifySettingsNameExplanations(t *testing.T) {
	re := regexp.MustCompile(`dify plugin explain ([a-z0-9-]+)`)
	for _, signed := range []string{"", "acme.private.pem"} {
		lines := strings.Join(DifySettings(80<<20, 60<<20, signed), "\n")
		ids := re.FindAllStringSubmatch(lines, -1)
		if len(ids) < 3 {
			t.Errorf("signed %q: %d explanations named:\n%s", signed, len(ids), lines)
		}
		for _, m := range ids {
			if explain.ByID(m[1]) == nil {
				t.Errorf("no explanation %q", m[1])
			}
		}
	}
}
