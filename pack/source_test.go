package pack

import (
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSymlinkToFileIsPackagedAsContent(t *testing.T) {
	outside := writeTree(t, map[string]string{"shared.difyignore": "*.log\n"})
	dir := writeTree(t, map[string]string{"real.txt": "inside", "a.log": ""})
	mustSymlink(t, filepath.Join(outside, "shared.difyignore"), filepath.Join(dir, DifyIgnore))
	mustSymlink(t, "real.txt", filepath.Join(dir, "alias.txt"))

	src, err := OpenDir(dir, PlanOptions{AllowExternalLinks: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paths(src.Files), []string{DifyIgnore, "alias.txt", "real.txt"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("files %q, want %q (the linked .difyignore must apply)", got, want)
	}
	data, err := fs.ReadFile(src, "alias.txt")
	if err != nil || string(data) != "inside" {
		t.Fatalf("alias.txt = %q, %v; want the target's content", data, err)
	}
	if len(src.Warnings) != 1 || !strings.Contains(src.Warnings[0], DifyIgnore) || !strings.Contains(src.Warnings[0], "outside the plugin directory") {
		t.Errorf("warnings %q: want exactly one, about the link that leaves the directory", src.Warnings)
	}
}

func TestUnpackableFilesAreRefused(t *testing.T) {
	cases := []struct {
		name string
		make func(t *testing.T, dir string)
		want string
	}{
		{"link to a directory", func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "d"), 0o755)
			mustSymlink(t, "d", filepath.Join(dir, "link"))
		}, "link: error: symbolic link to a directory"},
		{"broken link", func(t *testing.T, dir string) {
			mustSymlink(t, "nowhere", filepath.Join(dir, "link"))
		}, "link: error: broken symbolic link: nowhere does not exist"},
		{"link loop", func(t *testing.T, dir string) {
			mustSymlink(t, "loop2", filepath.Join(dir, "loop1"))
			mustSymlink(t, "loop1", filepath.Join(dir, "loop2"))
		}, "loop1: error: symbolic link loop"},
		{"link out of the plugin", func(t *testing.T, dir string) {
			secret := filepath.Join(t.TempDir(), "shadow")
			os.WriteFile(secret, []byte("secret"), 0o600)
			mustSymlink(t, secret, filepath.Join(dir, "x.svg"))
		}, "x.svg: error: symbolic link to "},
		{"name that is not UTF-8", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "caf\xe9.txt"), nil, 0o644); err != nil {
				t.Skip("this file system refuses such names:", err)
			}
		}, "is not valid UTF-8"},
		{"FIFO", func(t *testing.T, dir string) {
			if err := mkfifo(filepath.Join(dir, "pipe")); err != nil {
				t.Skip("cannot make a FIFO here:", err)
			}
		}, "pipe: error: this is a FIFO"},
		{"socket", func(t *testing.T, dir string) {
			l, err := net.Listen("unix", filepath.Join(dir, "sock"))
			if err != nil {
				t.Skip("cannot make a socket here:", err)
			}
			t.Cleanup(func() { l.Close() })
		}, "sock: error: this is a socket"},
		{"backslash in a name", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, `a\b.txt`), nil, 0o644)
		}, "backslash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"ok.txt": ""})
			c.make(t, dir)
			p, err := OpenDir(dir, PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			err = p.Err()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
			if !strings.Contains(err.Error(), DifyIgnore) {
				t.Errorf("error %q does not say the file can be left out with %s", err, DifyIgnore)
			}
		})
	}
}

func TestUnpackableFilesCanBeIgnored(t *testing.T) {
	dir := writeTree(t, map[string]string{DifyIgnore: "pipe\nlink\n", "ok.txt": ""})
	if err := mkfifo(filepath.Join(dir, "pipe")); err != nil {
		t.Skip("cannot make a FIFO here:", err)
	}
	mustSymlink(t, "nowhere", filepath.Join(dir, "link"))
	if got, want := selected(t, dir), []string{DifyIgnore, "ok.txt"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPackagesAndOutputAreNeverSelected(t *testing.T) {
	dir := writeTree(t, map[string]string{DifyIgnore: "!*.difypkg\n", "old.difypkg": "x", "out.zip": "x", "a.txt": ""})
	src, err := OpenDir(dir, PlanOptions{Exclude: []string{filepath.Join(dir, "out.zip")}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paths(src.Files), []string{DifyIgnore, "a.txt"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSourceIsAValidFS(t *testing.T) {
	dir := writeTree(t, map[string]string{DifyIgnore: "*.log\n", "a/b/c.txt": "c", "a/d.txt": "d", "e.txt": "e", "x.log": "", "empty/.keep.log": ""})
	src, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(src, DifyIgnore, "a/b/c.txt", "a/d.txt", "e.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Open("x.log"); err == nil || !strings.Contains(err.Error(), ".difyignore line 1") {
		t.Errorf("opening an ignored file: %v; want an error naming the ignore line", err)
	}
	if _, err := src.Open("empty"); err == nil {
		t.Errorf("a directory with no selected files must not exist in the view")
	}
}

func TestOpenSourceErrors(t *testing.T) {
	if _, err := OpenDir(filepath.Join(t.TempDir(), "nope"), PlanOptions{}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	file := filepath.Join(writeTree(t, map[string]string{"f": ""}), "f")
	if _, err := OpenDir(file, PlanOptions{}); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("file: %v", err)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
}

func paths(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}
