package offline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/internal/testdouble"
)

// requirementsPlugin writes a plugin whose only dependency file is a
// requirements.txt.
func requirementsPlugin(t *testing.T, requirements string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugin")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(requirements), 0o644)
	return dir
}

// closureIndex serves a small world of packages that require each other.
func closureIndex(t *testing.T, pep658 bool) *server {
	srv := newServer(t)
	srv.pep658 = pep658
	pure := "py3-none-any"
	srv.addWheel(t, "alpha", "1.0", pure, fileInfo{})
	srv.addWheel(t, "alpha", "1.5", pure, fileInfo{})
	srv.addWheel(t, "alpha", "2.0", pure, fileInfo{})
	srv.addWheel(t, "alpha", "2.5", pure, fileInfo{requiresPython: ">=3.13"}) // not for 3.12
	srv.addWheel(t, "alpha", "3.0", pure, fileInfo{yanked: true})             // only a pin takes it
	srv.addWheel(t, "Beta", "2.1.0", pure, fileInfo{},
		"Requires-Dist: alpha (<2,>=1)",
		`Requires-Dist: gamma; extra == "fast"`,
		`Requires-Dist: winlib; sys_platform == "win32"`,
		`Requires-Dist: armlib>=1; platform_machine == "aarch64"`,
		`Requires-Dist: oldlib; python_version < "3.10"`)
	srv.addWheel(t, "gamma", "1.0", "cp312-cp312-manylinux_2_17_x86_64", fileInfo{})
	srv.addWheel(t, "gamma", "1.0", "cp312-cp312-manylinux_2_17_aarch64", fileInfo{})
	srv.addWheel(t, "armlib", "1.2", pure, fileInfo{})
	srv.addWheel(t, "epsilon", "1.0", pure, fileInfo{}, "Requires-Dist: alpha<1.5")
	srv.addWheel(t, "delta", "1.0", pure, fileInfo{}, "Requires-Dist: alpha>=4")
	return srv
}

// A requirements.txt's packages bring what they require: read from each
// wheel's METADATA (served beside it, or in the wheel), with markers
// evaluated per target and the extras asked for.
func TestClosureFromMetadata(t *testing.T) {
	for _, pep658 := range []bool{true, false} {
		srv := closureIndex(t, pep658)
		o := PackageOptions{Options: options(t, x86, arm), From: requirementsPlugin(t, "beta[fast]==2.1.0\n")}
		o.IndexURL = srv.URL + "/simple"
		res, err := build(t, o)
		if err != nil {
			t.Fatalf("pep658 %v: %v", pep658, err)
		}
		want := "--no-index\n--find-links=./wheels/\nalpha==1.5\narmlib==1.2 ; platform_machine == 'aarch64'\nbeta==2.1.0\ngamma==1.0\n"
		if got := string(entries(t, res.Output)["requirements.txt"]); got != want {
			t.Errorf("pep658 %v: requirements.txt\n%s\nwant\n%s", pep658, got, want)
		}
		for _, w := range []string{"wheels/alpha-1.5-py3-none-any.whl", "wheels/armlib-1.2-py3-none-any.whl", "wheels/gamma-1.0-cp312-cp312-manylinux_2_17_aarch64.whl"} {
			if _, ok := entries(t, res.Output)[w]; !ok {
				t.Errorf("pep658 %v: no %s", pep658, w)
			}
		}
		if pep658 && srv.metadata == 0 {
			t.Error("the METADATA files the index serves were not used")
		}
	}
}

// A requirement that rules out a version chosen before starts resolution
// again without it; a pin takes a yanked version; requirements no version
// meets are refused with each of them and who asked.
func TestClosureConflicts(t *testing.T) {
	srv := closureIndex(t, true)
	run := func(reqs string) (string, error) {
		o := PackageOptions{Options: options(t, x86), From: requirementsPlugin(t, reqs)}
		o.IndexURL = srv.URL + "/simple"
		res, err := build(t, o)
		if err != nil {
			return "", err
		}
		return strings.TrimPrefix(string(entries(t, res.Output)["requirements.txt"]), "--no-index\n--find-links=./wheels/\n"), nil
	}
	if got, err := run("alpha\nepsilon\n"); err != nil || got != "alpha==1.0\nepsilon==1.0\n" {
		t.Errorf("alpha, then epsilon wanting alpha<1.5: %q, %v", got, err)
	}
	if got, err := run("alpha==3.0\n"); err != nil || got != "alpha==3.0\n" {
		t.Errorf("a pin of a yanked version: %q, %v", got, err)
	}
	if got, err := run("alpha>2\n"); err == nil {
		t.Errorf("alpha>2 (2.5 needs Python 3.13, 3.0 is yanked) resolved to %q", got)
	}
	_, err := run("delta\nalpha<2\n")
	var ue *UnsatisfiableError
	if !errors.As(err, &ue) {
		t.Fatalf("delta wanting alpha>=4: %v", err)
	}
	for _, want := range []string{"no version of alpha fits on linux/amd64, Python 3.12", "alpha>=4 (from delta 1.0)", "alpha<2 (from requirements.txt:2)", "the versions with a wheel for this target are 2.0, 1.5, 1.0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q:\n%v", want, err)
		}
	}
	nothing := PackageOptions{Options: options(t, x86), From: requirementsPlugin(t, "delta\nalpha<2\n"), Output: filepath.Join(t.TempDir(), "x.difypkg")}
	nothing.IndexURL = srv.URL + "/simple"
	build(t, nothing)
	if _, err := os.Stat(nothing.Output); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a package was written for requirements that do not resolve")
	}
}

func TestParseNeed(t *testing.T) {
	for text, want := range map[string]string{
		"Requests[Socks, security] (>=2.0, <3)": "requests [socks security] >=2.0,<3 ",
		"alpha<2,>=1":                           "alpha [] <2,>=1 ",
		`gamma; extra == "fast"`:                `gamma []  ; extra == "fast"`,
		"zope.interface==5.*":                   "zope-interface [] ==5.* ",
	} {
		n, err := parseNeed(text, "x")
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		got := n.name + " [" + strings.Join(n.extras, " ") + "] " + n.spec + " "
		if n.marker != "" {
			got += "; " + n.marker
		}
		if got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
	for _, bad := range []string{"pkg @ https://x/pkg.whl", "pkg >=> 1", "[x]"} {
		if _, err := parseNeed(bad, "x"); err == nil {
			t.Errorf("%q was read", bad)
		}
	}
}

// A dry run of a requirements.txt says each wheel's size (PEP 700, from the
// index's JSON pages) and downloads no wheel when the index serves METADATA.
func TestClosureDryRun(t *testing.T) {
	srv := closureIndex(t, true)
	o := PackageOptions{Options: options(t, x86), From: requirementsPlugin(t, "beta==2.1.0\n")}
	o.IndexURL = srv.URL + "/simple"
	sel, err := Preview(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Files) != 2 {
		t.Fatalf("files %v", sel.Files)
	}
	for _, f := range sel.Files {
		if f.Size <= 0 {
			t.Errorf("%s has no size", f.Name)
		}
	}
	if downloads, _ := srv.counts(); downloads != 0 {
		t.Errorf("%d wheels downloaded by a dry run", downloads)
	}
}

// A name the index does not know is said as such, with who asked for it
// and the fix; a pin of it is listed with what else is missing.
func TestUnknownProject(t *testing.T) {
	srv := closureIndex(t, true)
	o := PackageOptions{Options: options(t, x86), From: requirementsPlugin(t, "alpha\nnosuchpkg>=1\n")}
	o.IndexURL = srv.URL + "/simple"
	_, err := build(t, o)
	if err == nil || !strings.Contains(err.Error(), `has no project "nosuchpkg" (404 Not Found), which requirements.txt:2 asks for: check the name`) {
		t.Errorf("a range of an unknown project: %v", err)
	}
	o.From = requirementsPlugin(t, "alpha\nnosuchpkg==1.0\n")
	_, err = build(t, o)
	var me *MissingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "1 package cannot be installed offline") || !strings.Contains(err.Error(), `has no project "nosuchpkg" (404 Not Found) and no wheel in the wheelhouse fits`) {
		t.Errorf("a pin of an unknown project: %v", err)
	}
}

// Wheels the resolver downloaded to read their METADATA (the index serves
// no metadata files, nor sizes) are taken from the cache with their sizes,
// which the package's size limit is grown to.
func TestClosureWheelsFromTheCacheHaveSizes(t *testing.T) {
	srv := closureIndex(t, false)
	srv.htmlOnly = true
	o := PackageOptions{Options: options(t, x86, arm), From: requirementsPlugin(t, "beta==2.1.0\n")}
	o.IndexURL = srv.URL + "/simple"
	res, err := build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Selection.Files {
		if f.Size <= 0 || f.From != "cache" {
			t.Errorf("%s: size %d, from %s", f.Name, f.Size, f.From)
		}
	}
}

// A rebuild with a warm cache reads no network: the resolution of the
// requirements.txt is kept with the wheels, until the file changes or
// Refresh resolves again.
func TestResolutionIsKept(t *testing.T) {
	srv := closureIndex(t, true)
	o := PackageOptions{Options: options(t, x86, arm), From: requirementsPlugin(t, "beta[fast]==2.1.0\n")}
	o.IndexURL = srv.URL + "/simple"
	first, err := build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	served := func() int {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.downloads + srv.pages + srv.metadata
	}
	before := served()
	again, err := build(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if n := served() - before; n != 0 {
		t.Errorf("a rebuild with a warm cache sent %d requests", n)
	}
	if !strings.Contains(strings.Join(again.Selection.Warnings, "\n"), "as resolved on") {
		t.Errorf("warnings %v", again.Selection.Warnings)
	}
	if a, b := entries(t, first.Output)["requirements.txt"], entries(t, again.Output)["requirements.txt"]; string(a) != string(b) {
		t.Errorf("the rebuild's requirements.txt differs:\n%s\n%s", a, b)
	}
	o.Refresh = true
	before = served()
	if _, err := build(t, o); err != nil {
		t.Fatal(err)
	}
	if served() == before {
		t.Error("Refresh asked the index nothing")
	}
	o.Refresh = false
	os.WriteFile(filepath.Join(o.From, "requirements.txt"), []byte("beta==2.1.0\n"), 0o644)
	before = served()
	if _, err := build(t, o); err != nil {
		t.Fatal(err)
	}
	if served() == before {
		t.Error("a changed requirements.txt was not resolved again")
	}
}
