package uvlock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dify-cli/dify/internal/testref"
	"github.com/dify-cli/dify/uvlock/marker"
)

// TestFixtures exports each hand-written project under testdata/ and compares the result
// with its want.txt, written by hand from the lock.
func TestFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*/want.txt")
	if len(dirs) < 5 {
		t.Fatalf("found %d fixtures", len(dirs))
	}
	for _, want := range dirs {
		dir := filepath.Dir(want)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			wantData, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Export(os.DirFS(dir), Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(res.Requirements); got != string(wantData) {
				t.Errorf("got:\n%s\nwant:\n%s", got, wantData)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
		})
	}
	// uv's own cases (another project's tests), when they are beside the
	// repository: more of the same proof.
	if cases, ok := testref.Shared("testdata-uvexport"); ok {
		t.Run("shared", func(t *testing.T) { sharedCases(t, cases) })
	}
}

const minimalProject = `[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = ["six"]
`

const minimalLock = `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "demo"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "six" }]

[package.metadata]
requires-dist = [{ name = "six" }]

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
`

func project(pyproject, lock string) fstest.MapFS {
	fsys := fstest.MapFS{}
	if pyproject != "" {
		fsys[pyprojectName] = &fstest.MapFile{Data: []byte(pyproject)}
	}
	if lock != "" {
		fsys[lockName] = &fstest.MapFile{Data: []byte(lock)}
	}
	return fsys
}

func TestNoDevGroup(t *testing.T) {
	res, err := Export(project(minimalProject, minimalLock), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Requirements) != "six==1.16.0\n" {
		t.Errorf("requirements %q", res.Requirements)
	}
	if len(res.Warnings) != 0 || !res.NoDevGroup {
		t.Errorf("warnings %q, no dev group %v", res.Warnings, res.NoDevGroup)
	}
	if _, err := Export(project(minimalProject, minimalLock), Options{Strict: true}); !errors.Is(err, ErrNoDevGroup) {
		t.Errorf("strict: error %v, want ErrNoDevGroup", err)
	}
}

func TestEmptyExport(t *testing.T) {
	lock := strings.Replace(minimalLock, `dependencies = [{ name = "six" }]`, "", 1)
	lock = strings.Replace(lock, `requires-dist = [{ name = "six" }]`, "requires-dist = []", 1)
	pp := strings.Replace(minimalProject, `["six"]`, "[]", 1)
	res, err := Export(project(pp, lock), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Requirements) != 0 {
		t.Errorf("requirements %q, want none", res.Requirements)
	}
}

// TestBadInput checks that every kind of broken input is an error naming the file, the line
// where it helps, and a way out.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name           string
		pyproject      string
		lock           string
		want           []string
		wantLockErrors bool
	}{
		{"no lock", minimalProject, "", []string{"uv.lock: not found", "uv lock"}, true},
		{"no pyproject", "", minimalLock, []string{"pyproject.toml: not found"}, true},
		{"corrupt lock", minimalProject, "version = 1\nrevision = 3\n[[package]\nname = 1\n", []string{"uv.lock:3: not valid TOML"}, true},
		{"wrong types", minimalProject, "version = \"one\"\n", []string{"uv.lock:", "cannot be read"}, true},
		{"newer version", minimalProject, strings.Replace(minimalLock, "version = 1", "version = 2", 1), []string{"uv.lock:1:", "version 2 is newer", "--uv"}, true},
		{"newer revision", minimalProject, strings.Replace(minimalLock, "revision = 3", "revision = 4", 1), []string{"uv.lock:2:", "revision 4 is newer"}, true},
		{"not a lock", minimalProject, "[tool]\nx = 1\n", []string{"uv.lock: has no `version`"}, true},
		{"project missing", strings.Replace(minimalProject, `"demo"`, `"other"`, 1), minimalLock, []string{"uv.lock:", "project other is not in the lock", "uv lock"}, true},
		{"out of date", strings.Replace(minimalProject, `["six"]`, `["six", "requests>=2"]`, 1), minimalLock, []string{"uv.lock:6:", "out of date", "requests", "uv lock"}, true},
		{"dangling dependency", minimalProject, strings.Replace(minimalLock, `[{ name = "six" }]`, `[{ name = "six" }, { name = "ghost" }]`, 1), []string{"uv.lock:6:", "ghost"}, true},
		{"bad marker", minimalProject, strings.Replace(minimalLock, `[{ name = "six" }]`, `[{ name = "six", marker = "sys_platform = 'linux'" }]`, 1), []string{"uv.lock:9:", "sys_platform = 'linux'"}, true},
		{"no source", minimalProject, strings.Replace(minimalLock, `source = { registry = "https://pypi.org/simple" }`, "", 1), []string{"uv.lock:15:", "six has no single source"}, true},
		{"no project table", "[tool.black]\nline-length = 100\n", minimalLock, []string{"pyproject.toml: has no [project] table"}, true},
		{"bad default groups", minimalProject + "[tool.uv]\ndefault-groups = 3\n", minimalLock, []string{"default-groups"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Export(project(c.pyproject, c.lock), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var le *LockError
			if c.wantLockErrors && !errors.As(err, &le) {
				t.Errorf("error %T, want *LockError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestExportSet(t *testing.T) {
	pyproject := "[project]\nname = \"p\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\ndependencies = [\"six\", \"uvloop ; sys_platform != 'win32'\", \"tomli ; python_version < '3.12'\"]\n"
	lock := `version = 1
revision = 2
requires-python = ">=3.11"

[[package]]
name = "p"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "six" },
    { name = "tomli", marker = "python_full_version < '3.12'" },
    { name = "uvloop", marker = "sys_platform != 'win32'" },
]

[package.metadata]
requires-dist = [
    { name = "six" },
    { name = "tomli", marker = "python_full_version < '3.12'" },
    { name = "uvloop", marker = "sys_platform != 'win32'" },
]

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/six-1.16.0.tar.gz", hash = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", size = 10 }
wheels = [
    { url = "https://files.example/six-1.16.0-py2.py3-none-any.whl", hash = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", size = 11 },
]

[[package]]
name = "tomli"
version = "2.0.1"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.example/tomli-2.0.1-py3-none-any.whl", hash = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", size = 12 }]

[[package]]
name = "uvloop"
version = "0.21.0"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.example/uvloop-0.21.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", size = 13 },
]
`
	set, err := ExportSet(project(pyproject, lock), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range set.Packages {
		names = append(names, p.Name+"=="+p.Version+" ; "+p.Marker)
	}
	if got := strings.Join(names, "\n"); got != "six==1.16.0 ; \ntomli==2.0.1 ; python_full_version < '3.12'\nuvloop==0.21.0 ; sys_platform != 'win32'" {
		t.Errorf("set:\n%s", got)
	}
	six := set.Packages[0]
	if six.Source != "registry" || six.Sdist == nil || six.Sdist.Name() != "six-1.16.0.tar.gz" || len(six.Wheels) != 1 ||
		six.Wheels[0].Name() != "six-1.16.0-py2.py3-none-any.whl" || six.Wheels[0].Hash != "sha256:"+strings.Repeat("bb", 32) || six.Wheels[0].Size != 11 || six.Line == 0 {
		t.Errorf("six: %+v", six)
	}
	py312 := marker.Environment{"python_full_version": "3.12.0", "sys_platform": "linux"}
	py311 := marker.Environment{"python_full_version": "3.11.9", "sys_platform": "linux"}
	if set.AppliesTo(set.Packages[1], py312) || !set.AppliesTo(set.Packages[1], py311) || !set.AppliesTo(set.Packages[2], py312) {
		t.Error("markers are not evaluated per environment")
	}
}
