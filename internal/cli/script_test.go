package cli_test

import (
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/dify-cli/dify/internal/cli"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

// TestMain makes the test binary double as the dify binary inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dify": func() { os.Exit(cli.Main(os.Args[1:], cli.SystemStreams())) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "../../testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", sharedDir())
			return nil
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
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "shared":
				_, err := os.Stat(sharedDir())
				return err == nil, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
	})
}

func sharedDir() string {
	wd, _ := os.Getwd()
	return wd + "/../../../shared/testdata-reference"
}
