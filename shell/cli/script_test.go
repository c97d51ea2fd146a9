package cli_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dify-cli/dify/internal/fakedaemon"
	"github.com/dify-cli/dify/internal/hostile"
	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/internal/testref"
	"github.com/dify-cli/dify/internal/testwheel"
	"github.com/dify-cli/dify/shell/cli"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

// scriptCache holds the Python environments of the scripts' plugin runs.
var scriptCache string

// TestMain makes the test binary double as the dify binary inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(withCache{m}, map[string]func(){
		"dify": func() { os.Exit(cli.Main(os.Args[1:], cli.SystemStreams())) },
	})
}

// withCache runs the tests with scriptCache made, and removes it after.
type withCache struct{ m *testing.M }

func (w withCache) Run() int {
	var err error
	if scriptCache, err = os.MkdirTemp("", "dify-script-cache-"); err != nil {
		panic(err)
	}
	defer os.RemoveAll(scriptCache)
	return w.m.Run()
}

// TestScripts runs the end-to-end scripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "../../testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", sharedDir())
			official, err := filepath.Abs("../../testdata/official")
			env.Setenv("OFFICIAL", official)
			// Python environments are shared by the scripts that run plugins.
			env.Setenv("DIFY_CACHE_DIR", scriptCache)
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N cmd args... runs cmd and checks its exact exit status.
			"exitcode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: exitcode N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("%v", err)
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
			// unzipfile PKG ENTRY prints one entry of a package; with !, checks
			// that there is no such entry.
			"unzipfile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: unzipfile package entry")
				}
				zr, err := zip.OpenReader(ts.MkAbs(args[0]))
				ts.Check(err)
				defer zr.Close()
				f, err := zr.Open(args[1])
				if neg {
					if err == nil {
						f.Close()
						ts.Fatalf("%s holds %s", args[0], args[1])
					}
					return
				}
				ts.Check(err)
				defer f.Close()
				_, err = io.Copy(ts.Stdout(), f)
				ts.Check(err)
			},
			// mkblob PATH SIZE writes a file of SIZE pseudo-random bytes.
			"mkblob": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mkblob path size")
				}
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				data := make([]byte, n)
				rand.NewChaCha8([32]byte{byte(n)}).Read(data)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
			},
			// mkhostile KIND PKG writes a hostile or damaged package (see hostilePackage).
			"mkhostile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mkhostile kind package")
				}
				data, err := hostilePackage(args[0])
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o644))
			},
			// mknonutf8 DIR creates a file whose name is not UTF-8 (Latin-1 "café.txt").
			"mknonutf8": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: mknonutf8 dir")
				}
				ts.Check(os.MkdirAll(ts.MkAbs(args[0]), 0o755))
				ts.Check(os.WriteFile(ts.MkAbs(args[0]+"/caf\xe9.txt"), []byte("x"), 0o644))
			},
			// double [tool|model|agent|datasource] DIR writes a test double
			// (testdata/run: a plugin whose main.py speaks the daemon's
			// protocol with the standard library); tool by default.
			"double": func(ts *testscript.TestScript, neg bool, args []string) {
				kind := "tool"
				if len(args) == 2 {
					kind, args = args[0], args[1:]
				}
				if len(args) != 1 {
					ts.Fatalf("usage: double [kind] dir")
				}
				ts.Check(testdouble.Write(kind, ts.MkAbs(args[0])))
			},
			// fakedaemon KEY starts a stand-in for the daemon's debugging port
			// that takes KEY, and sets $DAEMON to its address.
			"fakedaemon": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: fakedaemon key")
				}
				d, err := fakedaemon.Start(args[0])
				ts.Check(err)
				ts.Defer(func() { d.Close() })
				ts.Setenv("DAEMON", d.Addr())
			},
			// httpserve DIR serves the files of DIR on a loopback address, set
			// as $HTTP (a stand-in for the marketplace or a release page).
			"httpserve": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: httpserve dir")
				}
				srv := httptest.NewServer(http.FileServer(http.Dir(ts.MkAbs(args[0]))))
				ts.Defer(srv.Close)
				ts.Setenv("HTTP", srv.URL)
			},
			// mkwheel DIR NAME VERSION TAG writes a real wheel into DIR.
			"mkwheel": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 4 {
					ts.Fatalf("usage: mkwheel dir name version tag")
				}
				file, data := testwheel.Build(args[1], args[2], args[3])
				ts.Check(os.MkdirAll(ts.MkAbs(args[0]), 0o755))
				ts.Check(os.WriteFile(filepath.Join(ts.MkAbs(args[0]), file), data, 0o644))
			},
			// killpids FILE kills the processes whose ids FILE lists (from
			// DOUBLE_PIDFILE), for a test that leaves some on purpose.
			"killpids": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: killpids file")
				}
				data, err := os.ReadFile(ts.MkAbs(args[0]))
				ts.Check(err)
				for _, f := range strings.Fields(string(data)) {
					if pid, err := strconv.Atoi(f); err == nil {
						if p, err := os.FindProcess(pid); err == nil {
							p.Kill()
						}
					}
				}
			},
			// mode FILE PERM checks a file's permission bits, e.g. mode key.pem 0600.
			"mode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mode file perm")
				}
				want, err := strconv.ParseUint(args[1], 8, 32)
				ts.Check(err)
				st, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				if got := st.Mode().Perm(); (got == os.FileMode(want)) == neg {
					ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
				}
			},
			// zipedit PKG ENTRY flip|rename=NEW changes one entry of a package and
			// keeps everything else, the signature comment included; damage
			// garbles the middle of the entry's stored bytes in place.
			"zipedit": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: zipedit package entry flip|rename=NEW|damage")
				}
				if args[2] == "damage" {
					ts.Check(damageZip(ts.MkAbs(args[0]), args[1]))
					return
				}
				ts.Check(editZip(ts.MkAbs(args[0]), args[1], args[2]))
			},
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "shared":
				_, err := os.Stat(sharedDir())
				return err == nil, nil
			case "python":
				_, err := exec.LookPath("python3")
				return err == nil, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
	})
}

func readZip(name string) ([]byte, *zip.Reader, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	return data, zr, err
}

func editZip(name, entry, op string) error {
	_, zr, err := readZip(name)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		n := f.Name
		if n == entry {
			found = true
			switch {
			case op == "flip" && len(content) > 0:
				content[0] ^= 1
			case strings.HasPrefix(op, "rename="):
				n = strings.TrimPrefix(op, "rename=")
			default:
				return fmt.Errorf("cannot %s %s", op, entry)
			}
		}
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		w.Write(content)
	}
	if !found {
		return fmt.Errorf("no entry %s", entry)
	}
	zw.SetComment(zr.Comment)
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}

func damageZip(name, entry string) error {
	data, zr, err := readZip(name)
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.Name != entry {
			continue
		}
		start, err := f.DataOffset()
		if err != nil {
			return err
		}
		size := int64(f.CompressedSize64)
		for i := start + size/3; i < start+2*size/3; i++ {
			data[i] ^= 0x5a
		}
		return os.WriteFile(name, data, 0o644)
	}
	return fmt.Errorf("no entry %s", entry)
}

func sharedDir() string {
	dir, _ := testref.Shared("testdata-reference")
	return dir
}

// hostilePackage builds the packages of hostile.txtar: a plugin whose
// manifest and main.py are fine but whose headers or data lie.
func hostilePackage(kind string) ([]byte, error) {
	manifest := hostile.Entry{Name: "manifest.yaml", Data: []byte("version: 0.0.1\ntype: plugin\nauthor: acme\nname: evil\n")}
	code := bytes.Repeat([]byte("print('hello')\n"), 300)
	bad := uint32(0x5eed)
	switch kind {
	case "forged-manifest": // a zip64 extra claiming 2^62 bytes
		manifest.Size = 1 << 62
		return hostile.Zip("", manifest), nil
	case "forged-main": // 40 GiB claimed for main.py
		return hostile.Zip("", manifest, hostile.Entry{Name: "main.py", Data: code, Size: 40 << 30}), nil
	case "bomb": // a gibibyte of zeros in about a megabyte
		raw, crc := hostile.Bomb(1 << 30)
		return hostile.Zip("", manifest, hostile.Entry{Name: "main.py", Raw: raw, Deflate: true, CRC: &crc, Size: 1 << 30}), nil
	case "bad-crc":
		return hostile.Zip("", manifest, hostile.Entry{Name: "main.py", Data: code, Deflate: true, CRC: &bad}), nil
	case "cut":
		return hostile.Zip("", manifest, hostile.Entry{Name: "main.py", Data: code, Deflate: true, Cut: 9}), nil
	}
	return nil, fmt.Errorf("no hostile package %q", kind)
}
