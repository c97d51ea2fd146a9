package offline

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/pack"
)

var (
	x86 = Target{Arch: "amd64", Python: "3.12", Glibc: DaemonGlibc}
	arm = Target{Arch: "arm64", Python: "3.12", Glibc: DaemonGlibc}
)

// The packages of the main fixture: one of each kind of case.
func fixture() []lockPackage {
	return []lockPackage{
		{name: "fastlib", version: "1.0.0", wheels: []string{
			"cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", "cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64",
			"cp312-cp312-musllinux_1_2_x86_64", "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
			"cp312-cp312-manylinux_2_28_x86_64", // better for x86_64 than 2_17
		}, sdist: true},
		{name: "abilib", version: "2.0.0", wheels: []string{"cp38-abi3-manylinux_2_17_x86_64", "cp38-abi3-manylinux_2_17_aarch64"}},
		{name: "purelib", version: "3.0.0", wheels: []string{"py3-none-any"}},
		{name: "tomli", version: "2.0.1", wheels: []string{"py3-none-any"}, marker: "python_full_version < '3.12'"},
		{name: "armonly", version: "1.0.0", wheels: []string{"py3-none-any"}, marker: "platform_machine == 'aarch64'"},
		{name: "winonly", version: "1.0.0", wheels: []string{"cp312-cp312-win_amd64"}, marker: "sys_platform == 'win32'"},
	}
}

func options(t testing.TB, targets ...Target) Options {
	return Options{Targets: targets, CacheDir: t.TempDir()}
}

func names(files []*File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func TestSelectPerTarget(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, fixture())
	sel, err := Select(context.Background(), pack.DiskFiles(dir), options(t, x86, arm))
	if err != nil {
		t.Fatal(err)
	}
	if err := sel.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"abilib-2.0.0-cp38-abi3-manylinux_2_17_aarch64.whl",
		"abilib-2.0.0-cp38-abi3-manylinux_2_17_x86_64.whl",
		"armonly-1.0.0-py3-none-any.whl",
		"fastlib-1.0.0-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
		"fastlib-1.0.0-cp312-cp312-manylinux_2_28_x86_64.whl",
		"purelib-3.0.0-py3-none-any.whl",
	}
	if got := names(sel.Files); !slices.Equal(got, want) {
		t.Errorf("files\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range sel.Files {
		if f.Name == "purelib-3.0.0-py3-none-any.whl" && len(f.Targets) != 2 {
			t.Errorf("the pure wheel is not shared by both targets: %v", f.Targets)
		}
	}
	wantReq := "--no-index\n--find-links=./wheels/\nabilib==2.0.0\narmonly==1.0.0 ; platform_machine == 'aarch64'\nfastlib==1.0.0\npurelib==3.0.0\n"
	if string(sel.Requirements) != wantReq {
		t.Errorf("requirements\n%s\nwant\n%s", sel.Requirements, wantReq)
	}
	if d, p := srv.counts(); d != 0 || p != 0 {
		t.Errorf("selecting from a lock made %d downloads and %d index requests", d, p)
	}

	// Python 3.11: its own wheel of fastlib, and tomli.
	py311 := Target{Arch: "amd64", Python: "3.11", Glibc: DaemonGlibc}
	sel, err = Select(context.Background(), pack.DiskFiles(dir), options(t, py311))
	if err != nil || sel.Err() != nil {
		t.Fatal(err, sel.Err())
	}
	got := names(sel.Files)
	if !slices.Contains(got, "fastlib-1.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") || !slices.Contains(got, "tomli-2.0.1-py3-none-any.whl") || slices.Contains(got, "armonly-1.0.0-py3-none-any.whl") {
		t.Errorf("Python 3.11 on x86_64: %v", got)
	}
}

func TestWhatCannotBeOffline(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, []lockPackage{
		{name: "oldlib", version: "0.1.0", sdist: true},
		{name: "gitlib", version: "0.2.0", source: `{ git = "https://github.com/acme/gitlib?rev=main#0123456789abcdef0123456789abcdef01234567" }`},
		{name: "x86only", version: "1.0.0", wheels: []string{"cp312-cp312-manylinux_2_17_x86_64"}},
	})
	sel, err := Select(context.Background(), pack.DiskFiles(dir), options(t, x86, arm))
	if err != nil {
		t.Fatal(err)
	}
	var me *MissingError
	if !errors.As(sel.Err(), &me) {
		t.Fatalf("Err() = %v", sel.Err())
	}
	msg := me.Error()
	for _, want := range []string{
		"oldlib 0.1.0 on linux/amd64, Python 3.12: uv.lock has only its source distribution (oldlib-0.1.0.tar.gz)",
		"gitlib 0.2.0 on linux/arm64, Python 3.12: it comes from git = https://github.com/acme/gitlib",
		"x86only 1.0.0 on linux/arm64, Python 3.12: none of its 1 wheels fits (cp312/manylinux_2_17_x86_64)",
		"--wheelhouse",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "x86only 1.0.0 on linux/amd64") {
		t.Error("x86only has a wheel for amd64")
	}

	// Built wheels in a wheelhouse fill the gaps.
	house := t.TempDir()
	for _, w := range []struct{ name, version, tag string }{
		{"oldlib", "0.1.0", "py3-none-any"}, {"gitlib", "0.2.0", "py3-none-any"}, {"x86only", "1.0.0", "cp312-cp312-manylinux_2_17_aarch64"},
	} {
		file, data := wheelFile(t, w.name, w.version, w.tag)
		os.WriteFile(filepath.Join(house, file), data, 0o644)
	}
	o := options(t, x86, arm)
	o.Wheelhouse = house
	sel, err = Select(context.Background(), pack.DiskFiles(dir), o)
	if err != nil || sel.Err() != nil {
		t.Fatalf("with a wheelhouse: %v %v", err, sel.Err())
	}
	if err := Fetch(context.Background(), sel, o); err != nil {
		t.Fatal(err)
	}
	for _, f := range sel.Files {
		want := "download"
		if f.Name != "x86only-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl" {
			want = "wheelhouse"
		}
		if f.From != want {
			t.Errorf("%s came from %s, want %s", f.Name, f.From, want)
		}
	}
}

func build(t *testing.T, o PackageOptions) (*Result, error) {
	t.Helper()
	if o.Output == "" {
		o.Output = filepath.Join(t.TempDir(), "double-offline.difypkg")
	}
	return Package(context.Background(), o)
}

func entries(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

func TestBuildAndCache(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, fixture())
	// An ignore rule that leaves out wheels/ does not drop the generated ones.
	os.WriteFile(filepath.Join(dir, ".difyignore"), []byte("wheels/\n"), 0o644)
	o := PackageOptions{Options: options(t, x86, arm), From: dir}
	res, err := build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	got := entries(t, res.Output)
	for _, gone := range []string{"pyproject.toml", "uv.lock"} {
		if _, ok := got[gone]; ok {
			t.Errorf("the package holds %s, which would make the daemon run uv sync against the network", gone)
		}
	}
	if !bytes.HasPrefix(got["requirements.txt"], []byte("--no-index\n--find-links=./wheels/\n")) {
		t.Errorf("requirements.txt:\n%s", got["requirements.txt"])
	}
	n := 0
	for name := range got {
		if strings.HasPrefix(name, "wheels/") {
			n++
		}
	}
	if n != 6 || got["manifest.yaml"] == nil {
		t.Errorf("%d wheels in the package; manifest present: %v", n, got["manifest.yaml"] != nil)
	}
	if d, _ := srv.counts(); d != 6 {
		t.Errorf("%d downloads, want 6", d)
	}

	// The same build again: everything from the cache, the same bytes.
	o.Output = filepath.Join(t.TempDir(), "again.difypkg")
	again, err := build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := srv.counts(); d != 6 {
		t.Errorf("the second build downloaded %d files", d-6)
	}
	first, _ := os.ReadFile(res.Output)
	second, _ := os.ReadFile(again.Output)
	if !bytes.Equal(first, second) {
		t.Error("two builds of the same plugin differ")
	}
	for _, f := range again.Selection.Files {
		if f.From != "cache" {
			t.Errorf("%s came from %s on the second build", f.Name, f.From)
		}
	}

	// Repackaging the offline build's input as a package gives the same files.
	plain := filepath.Join(t.TempDir(), "double.difypkg")
	if _, err := pack.Package(context.Background(), pack.Options{Dir: dir, Output: plain}); err != nil {
		t.Fatal(err)
	}
	fromPkg, err := build(t, PackageOptions{Options: o.Options, From: plain})
	if err != nil {
		t.Fatal(err)
	}
	repacked := entries(t, fromPkg.Output)
	if len(repacked) != len(got) || !bytes.Equal(repacked["requirements.txt"], got["requirements.txt"]) {
		t.Errorf("repackaging a .difypkg gives %d entries, the directory %d", len(repacked), len(got))
	}
}

func TestHashMismatchWritesNothing(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, fixture())
	srv.tampered["purelib-3.0.0-py3-none-any.whl"] = []byte("not the wheel the lock names")
	o := PackageOptions{Options: options(t, x86), From: dir, Output: filepath.Join(t.TempDir(), "out.difypkg")}
	_, err := build(t, o)
	var he *HashError
	if !errors.As(err, &he) || he.File != "purelib-3.0.0-py3-none-any.whl" {
		t.Fatalf("a tampered download: %v", err)
	}
	if _, err := os.Stat(o.Output); !os.IsNotExist(err) {
		t.Error("a package was written")
	}
	filepath.WalkDir(o.CacheDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(p, "purelib") {
			t.Errorf("the cache keeps the tampered file: %s", p)
		}
		return nil
	})
}

func TestMirror(t *testing.T) {
	srv := newServer(t)
	// The lock names files on a host that does not answer; the mirror has them.
	dir := project(t, srv, "http://127.0.0.1:1", fixture())
	for _, htmlOnly := range []bool{false, true} {
		srv.htmlOnly = htmlOnly
		o := PackageOptions{Options: options(t, x86, arm), From: dir}
		o.IndexURL = srv.URL + "/simple"
		res, err := build(t, o)
		if err != nil {
			t.Fatalf("html only %v: %v", htmlOnly, err)
		}
		if len(res.Selection.Files) != 6 {
			t.Errorf("%d files", len(res.Selection.Files))
		}
	}
}

func TestRequirementsPins(t *testing.T) {
	srv := newServer(t)
	for _, tag := range []string{"cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux_2_17_aarch64"} {
		file, data := wheelFile(t, "fastlib", "1.0.0", tag)
		srv.add("fastlib", file, data)
	}
	file, data := wheelFile(t, "purelib", "3.0.0", "py3-none-any")
	srv.add("purelib", file, data)
	dir := filepath.Join(t.TempDir(), "plugin")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("# pinned\nfastlib==1.0.0\npurelib==3.0.0 ; python_version >= '3.8'\nwinonly==1.0 ; sys_platform == 'win32'\n"), 0o644)
	o := PackageOptions{Options: options(t, x86, arm), From: dir}
	o.IndexURL = srv.URL + "/simple"
	res, err := build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	// Markers are decided per target: what every target installs is pinned
	// without one.
	want := "--no-index\n--find-links=./wheels/\nfastlib==1.0.0\npurelib==3.0.0\n"
	if got := string(entries(t, res.Output)["requirements.txt"]); got != want {
		t.Errorf("requirements.txt\n%s\nwant\n%s", got, want)
	}

	// A range is resolved to the newest version there is; a URL cannot be.
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("fastlib>=0.9,<2\npurelib\n"), 0o644)
	res, err = build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(entries(t, res.Output)["requirements.txt"]); got != want {
		t.Errorf("requirements.txt of ranges\n%s\nwant\n%s", got, want)
	}
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("fastlib==1.0.0\nmylib @ https://example.com/mylib.whl\n"), 0o644)
	_, err = build(t, o)
	if err == nil || !strings.Contains(err.Error(), `requirements.txt:2: "mylib @ https://example.com/mylib.whl" comes from a URL`) {
		t.Errorf("a URL requirement: %v", err)
	}
}

func TestDryRunSelectsWithoutDownloading(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, fixture())
	sel, err := Select(context.Background(), pack.DiskFiles(dir), options(t, x86))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sel.Files {
		if f.Size == 0 || f.Hash == "" || f.Local != "" {
			t.Errorf("%s: size %d, hash %q, local %q", f.Name, f.Size, f.Hash, f.Local)
		}
	}
	if d, p := srv.counts(); d+p != 0 {
		t.Errorf("selection made %d requests", d+p)
	}
}

// The size limit grows to fit the wheels, unless one is given.
func TestSizeLimitGrowsUnlessGiven(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, []lockPackage{{name: "bigdata", version: "1.0.0", sdist: true}})
	house := t.TempDir()
	big, err := os.Create(filepath.Join(house, "bigdata-1.0.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	big.Truncate(pack.DefaultMaxSize + 1<<20)
	big.Close()
	o := PackageOptions{Options: options(t, x86), From: dir}
	o.Wheelhouse = house
	res, err := build(t, o)
	if err != nil {
		t.Fatalf("a package over the default limit without --max-size: %v", err)
	}
	if res.Size <= pack.DefaultMaxSize {
		t.Errorf("size %d", res.Size)
	}
	o.MaxSize = pack.DefaultMaxSize
	if _, err := build(t, o); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over a limit that was given: %v", err)
	}
}

// Without targets given, the plugin's manifest (read from the one plan the
// package is written from) decides them; flags that name no target are
// refused before anything is read.
func TestPackageTakesTargetsFromTheManifest(t *testing.T) {
	srv := newServer(t)
	dir := project(t, srv, srv.URL, []lockPackage{{name: "purelib", version: "3.0.0", wheels: []string{"py3-none-any"}}})
	o := PackageOptions{Options: Options{CacheDir: t.TempDir(), Backoff: time.Millisecond}, From: dir,
		Output: filepath.Join(t.TempDir(), "out.difypkg")}
	res, err := Package(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Targets) != 2 || res.Targets[0].Arch != "amd64" || res.Targets[1].Arch != "arm64" || res.Targets[0].Python != "3.12" {
		t.Errorf("targets %v", res.Targets)
	}
	sel, err := Preview(context.Background(), PackageOptions{Options: o.Options, From: dir, Platforms: []string{"linux/arm64"}})
	if err != nil || len(sel.Targets) != 1 || sel.Targets[0].Arch != "arm64" {
		t.Errorf("preview for arm64: %+v, %v", sel, err)
	}
	var te *TargetError
	if _, err := Package(context.Background(), PackageOptions{Options: o.Options, From: dir, Platforms: []string{"windows/x86"}}); !errors.As(err, &te) {
		t.Errorf("a platform that is no target: %v", err)
	}
}
