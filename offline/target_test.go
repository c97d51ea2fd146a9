package offline

import (
	"slices"
	"strings"
	"testing"
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
