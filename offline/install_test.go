package offline

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dify-cli/dify/pyenv"
)

// The offline package's requirements install into a fresh venv with pip
// and no index at all, as the daemon's installer would from the package.
func TestOfflinePackageInstallsWithoutNetwork(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3: cannot try the install")
	}
	out, err := exec.Command(py, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])").Output()
	if err != nil {
		t.Skip("python3 has no venv with pip: cannot try the install")
	}
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("wheels are built for linux/amd64 and linux/arm64")
	}
	target := Target{Arch: runtime.GOARCH, Python: strings.TrimSpace(string(out)), Glibc: DaemonGlibc}
	cp := "cp" + strings.ReplaceAll(target.Python, ".", "")
	srv := newServer(t)
	dir := project(t, srv, srv.URL, []lockPackage{
		{name: "fastlib", version: "1.0.0", wheels: []string{
			cp + "-" + cp + "-manylinux_2_17_" + target.Machine(), cp + "-" + cp + "-win_amd64"}},
		{name: "purelib", version: "3.0.0", wheels: []string{"py3-none-any"}},
	})
	res, err := Package(context.Background(), PackageOptions{Options: options(t, target), From: dir,
		Output: filepath.Join(t.TempDir(), "offline.difypkg")})
	if err != nil {
		t.Fatal(err)
	}
	vpy := installOffline(t, py, res.Output)
	got, err := exec.Command(vpy, "-c", "import fastlib, purelib; print(fastlib.TAG, purelib.TAG)").CombinedOutput()
	if err != nil {
		t.Fatalf("import: %v\n%s", err, got)
	}
	if want := cp + "-" + cp + "-manylinux_2_17_" + target.Machine() + " py3-none-any\n"; string(got) != want {
		t.Errorf("installed %q, want %q", got, want)
	}
}

func extract(t *testing.T, pkg, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(pkg)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		os.WriteFile(p, data, 0o644)
	}
}

// python312 finds a Python 3.12 with venv and pip, as the daemon installs
// with, or skips.
func python312(t *testing.T) string {
	t.Helper()
	c, err := pyenv.Find(context.Background(), pyenv.Want{Version: "3.12", Env: os.Environ()})
	if err != nil || c.MinorVersion() != "3.12" || !c.Venv || !c.Ensurepip {
		t.Skip("no Python 3.12 with venv and pip here: cannot try the install as the daemon does")
	}
	return c.Path
}

// A requirements.txt that names only what the plugin imports gets what
// those require too: pip installs the package's requirements into a Python
// 3.12 venv with no index, and checks every dependency is there.
func TestOfflineClosureInstallsWithoutNetwork(t *testing.T) {
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("wheels are built for linux/amd64 and linux/arm64")
	}
	py := python312(t)
	target := Target{Arch: runtime.GOARCH, Python: "3.12", Glibc: DaemonGlibc}
	srv := newServer(t)
	srv.addWheel(t, "alpha", "1.5", "cp312-cp312-manylinux_2_17_"+target.Machine(), fileInfo{})
	srv.addWheel(t, "alpha", "2.0", "cp312-cp312-manylinux_2_17_"+target.Machine(), fileInfo{})
	srv.addWheel(t, "beta", "2.1.0", "py3-none-any", fileInfo{}, "Requires-Dist: alpha<2,>=1", `Requires-Dist: gamma; extra == "fast"`)
	srv.addWheel(t, "gamma", "1.0", "py3-none-any", fileInfo{}, "Requires-Dist: alpha")
	o := PackageOptions{Options: options(t, target), From: requirementsPlugin(t, "beta[fast]==2.1.0\n"), Output: filepath.Join(t.TempDir(), "offline.difypkg")}
	o.IndexURL = srv.URL + "/simple"
	res, err := Package(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	vpy := installOffline(t, py, res.Output)
	check := exec.Command(vpy, "-m", "pip", "check")
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("pip check: %v\n%s", err, out)
	}
	got, err := exec.Command(vpy, "-c", "import importlib.metadata as m; print(m.version('alpha'), m.version('beta'), m.version('gamma'))").CombinedOutput()
	if err != nil || string(got) != "1.5 2.1.0 1.0\n" {
		t.Errorf("installed %q, %v; want alpha 1.5, beta 2.1.0, gamma 1.0", got, err)
	}
}

// installOffline installs an offline package's requirements into a fresh
// venv of py with pip and no index at all, as the daemon's installer would
// from the package, and returns the venv's interpreter.
func installOffline(t *testing.T, py, pkg string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "plugin")
	extract(t, pkg, root)
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(py, "-m", "venv", venv).CombinedOutput(); err != nil {
		t.Fatalf("venv: %v\n%s", err, out)
	}
	vpy := filepath.Join(venv, "bin", "python")
	pip := exec.Command(vpy, "-m", "pip", "install", "--no-index", "--find-links=./wheels", "-r", "requirements.txt")
	pip.Dir = root
	// No proxy and an index that does not exist: any attempt to reach the
	// network fails the install.
	pip.Env = append(os.Environ(), "PIP_INDEX_URL=http://127.0.0.1:1/simple", "HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1", "PIP_DISABLE_PIP_VERSION_CHECK=1")
	if out, err := pip.CombinedOutput(); err != nil {
		t.Fatalf("pip install: %v\n%s", err, out)
	}
	return vpy
}
