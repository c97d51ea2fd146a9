package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
	"github.com/dify-cli/dify/shell/tui"
	"github.com/spf13/cobra"
)

func testStreams(terminal bool) *Streams {
	return &Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, InTerminal: terminal, ErrTerminal: terminal}
}

// Flag parsing of init, on a terminal and off one: the flags fill the
// options and say which questions the form skips.
func TestInitFlags(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		for _, c := range []struct {
			args  []string
			check func(t *testing.T, o *initOptions)
		}{
			{[]string{"--name", "weather", "--author", "acme"}, func(t *testing.T, o *initOptions) {
				if o.opts.Name != "weather" || o.opts.Author != "acme" || !o.given.Name || !o.given.Author || o.given.Description || o.given.Permissions {
					t.Errorf("options %+v given %+v", o.opts, o.given)
				}
			}},
			{[]string{"--allow-llm", "--storage-size", "2MiB"}, func(t *testing.T, o *initOptions) {
				g, err := o.allow.grant(o.storageSize)
				want := manifest.NewGrant("model.llm", "storage")
				want.StorageSize = 2 << 20
				if err != nil || g != want || !o.given.Permissions {
					t.Errorf("grant %v %d, %v; given %+v", g.Names(), g.StorageSize, err, o.given)
				}
			}},
			{[]string{"--quick", "--dir", "plugins", "--yes", "--force", "--readme", "ja_JP,zh_Hans"}, func(t *testing.T, o *initOptions) {
				if !o.quick || o.dir != "plugins" || !o.yes || !o.force || strings.Join(o.opts.Readmes, ",") != "ja_JP,zh_Hans" || !o.given.Readmes {
					t.Errorf("%+v", o)
				}
			}},
			{[]string{"--min_dify_version", "1.0.0"}, func(t *testing.T, o *initOptions) { // the official spelling
				if o.opts.MinDifyVersion != "1.0.0" || !o.given.MinDifyVersion {
					t.Errorf("%+v", o.opts)
				}
			}},
		} {
			var got *initOptions
			cmd := newRootCmd(testStreams(terminal))
			plugin, _, _ := cmd.Find([]string{"plugin"})
			for _, c := range plugin.Commands() {
				if c.Name() == "init" {
					plugin.RemoveCommand(c)
				}
			}
			plugin.AddCommand(newInitCmd(testStreams(terminal), promptInit, func(o *initOptions) error { got = o; return nil }))
			cmd.SetArgs(append([]string{"plugin", "init"}, c.args...))
			if err := cmd.Execute(); err != nil {
				t.Fatalf("%v: %v", c.args, err)
			}
			if got == nil {
				t.Fatalf("%v: the run function was not called", c.args)
			}
			c.check(t, got)
		}
	}
}

// Off a terminal init asks nothing and names what is missing; on one, the
// prompt gets what the flags did not give, and a name whose directory is
// taken is refused by the prompt's check.
func TestInitRunAsksOnlyOnATerminal(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "taken", "x"), 0o755)
	asked := 0
	prompt := func(s *Streams, o *scaffold.Options, in tui.Init) error {
		asked++
		if !in.Skip.Author || in.Skip.Name {
			t.Errorf("skip %+v", in.Skip)
		}
		if _, err := in.Target("taken"); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("a taken name passes the prompt's check: %v", err)
		}
		o.Name, o.Description = "fresh", "d"
		return nil
	}
	o := &initOptions{io: testStreams(false), prompt: prompt, dir: dir, given: tui.Skip{Author: true}}
	o.opts.Author = "acme"
	o.allow = permissionFlags{}
	err := initRun(o)
	var usage *usageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "missing --name, --description (standard input is not a terminal)") || asked != 0 {
		t.Errorf("off a terminal: %v (asked %d)", err, asked)
	}
	o.io = testStreams(true)
	if err := initRun(o); err != nil || asked != 1 {
		t.Fatalf("on a terminal: %v (asked %d)", err, asked)
	}
	if _, err := os.Stat(filepath.Join(dir, "fresh", "manifest.yaml")); err != nil {
		t.Error(err)
	}
}

func TestPermissionFlags(t *testing.T) {
	for _, c := range []struct {
		args    []string
		changed bool
		usage   string
	}{
		{nil, false, ""},
		{[]string{"--allow-llm"}, true, ""},
		{[]string{"--deny-model"}, true, ""},
		{[]string{"--storage-size", "1MiB"}, true, ""},
		{[]string{"--allow-tool", "--deny-tool"}, false, "--allow-tool and --deny-tool contradict each other"},
	} {
		var got *permissionOptions
		cmd := newPermissionCmd(testStreams(false), func(o *permissionOptions) error { got = o; return nil })
		cmd.SetArgs(c.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if c.usage != "" {
			if err == nil || !strings.Contains(err.Error(), c.usage) {
				t.Errorf("%v: %v, want %q", c.args, err, c.usage)
			}
			continue
		}
		if err != nil || got == nil || got.changed != c.changed {
			t.Errorf("%v: %v, changed %v", c.args, err, got != nil && got.changed)
		}
	}
}

// run executes cmd with args and fails the test on an error.
func execute(t *testing.T, cmd interface {
	SetArgs([]string)
	Execute() error
}, args ...string) {
	t.Helper()
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

// Flags fill the options structs of the commands; nothing runs.
func TestCommandFlags(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		s := testStreams(terminal)

		var pkg *packageOptions
		execute(t, newPackageCmd(s, func(o *packageOptions) error { pkg = o; return nil }),
			"weather/", "-o", "out.difypkg", "--max-size", "100", "--sign", "k.pem", "--category", "partner", "--allow-external-links", "--uv")
		if pkg.dir != "weather" || pkg.output != "out.difypkg" || pkg.maxSizeMB != 100 || pkg.signKey != "k.pem" || pkg.category != "partner" || !pkg.externalLinks || !pkg.useUV {
			t.Errorf("package: %+v", pkg)
		}

		var val *validateOptions
		execute(t, newValidateCmd(s, func(o *validateOptions) error { val = o; return nil }), "--json", "--strict", "--max-size", "7")
		if len(val.paths) != 1 || val.paths[0] != "." || !val.json || !val.strict || val.plugin.maxSizeMB != 7 || val.market {
			t.Errorf("validate: %+v", val)
		}
		execute(t, newValidateCmd(s, func(o *validateOptions) error { val = o; return nil }), "a", "b/...", "--marketplace", "--online", "--marketplace-url", "http://127.0.0.1:1", "--python", "/py")
		if strings.Join(val.paths, ",") != "a,b/..." || !val.market || !val.online || val.marketURL != "http://127.0.0.1:1" || val.python != "/py" {
			t.Errorf("validate --marketplace: %+v", val)
		}

		var sg *signOptions
		execute(t, newSignCmd(s, func(o *signOptions) error { sg = o; return nil }), "p.difypkg", "-p", "k.pem", "-c", "community", "--force")
		if sg.input != "p.difypkg" || sg.keyPath != "k.pem" || sg.category != "community" || !sg.force || sg.ctx == nil {
			t.Errorf("sign: %+v", sg)
		}

		var vf *verifyOptions
		execute(t, newVerifyCmd(s, func(o *verifyOptions) error { vf = o; return nil }), "p.difypkg", "-p", "a.pem", "-p", "b.pem")
		if len(vf.keyPaths) != 2 {
			t.Errorf("verify: %+v", vf)
		}

		var rg *bundleRegenerateOptions
		execute(t, newBundleRegenerateCmd(s, func(o *bundleRegenerateOptions) error { rg = o; return nil }), "tools", "--author", "acme")
		if rg.bundle != "tools" || !rg.given.author || rg.given.name || rg.profile.Author != "acme" {
			t.Errorf("bundle regenerate: %+v", rg)
		}

		var ap *bundleAppendOptions
		execute(t, newBundleAppendCmd(s, "marketplace", func(o *bundleAppendOptions) error { ap = o; return nil }), "-m", "a/b:1.0.0")
		if ap.kind != "marketplace" || ap.value != "a/b:1.0.0" || ap.bundle != "." {
			t.Errorf("bundle append: %+v", ap)
		}
	}
}

// Off a terminal, bundle regenerate without flags asks for them; on one it
// would show the form.
func TestBundleRegenerateNeedsFlagsOffATerminal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tools")
	o := &bundleInitOptions{io: testStreams(false), dir: filepath.Dir(dir)}
	o.profile.Name, o.profile.Author, o.profile.Description = "tools", "acme", "d"
	if err := bundleInitRun(o); err != nil {
		t.Fatal(err)
	}
	err := bundleRegenerateRun(&bundleRegenerateOptions{io: testStreams(false), bundle: dir})
	var usage *usageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "no terminal to ask on") {
		t.Errorf("got %v", err)
	}
}

func TestRunAndInvokeFlags(t *testing.T) {
	s := testStreams(false)
	var r *runOptions
	execute(t, newRunCmd(s, func(o *runOptions) error { r = o; return nil }),
		"p.difypkg", "-m", "tcp", "-r", "json", "-l", "--host", "0.0.0.0", "--port", "5005", "--ready-timeout", "30s", "--refresh", "--python", "/usr/bin/python3.12", "--no-install", "--deps", "requirements.txt")
	if r.path != "p.difypkg" || r.mode != "tcp" || r.format != "json" || !r.logs || r.host != "0.0.0.0" || r.port != 5005 ||
		r.readyTimeout.String() != "30s" || !r.env.refresh || r.env.python != "/usr/bin/python3.12" || !r.env.noInstall || r.env.deps != "requirements.txt" {
		t.Errorf("run: %+v", r)
	}
	execute(t, newRunCmd(s, func(o *runOptions) error { r = o; return nil }))
	if r.path != "." || r.mode != "stdio" || r.format != "text" || r.host != "127.0.0.1" || r.port != 0 {
		t.Errorf("run defaults: %+v", r)
	}

	for _, c := range []struct {
		args []string
		kind string
		path string
		want []string
	}{
		{[]string{"tool", "search", "-p", "q=x"}, "tool", ".", []string{"search"}},
		{[]string{"tool", "./p", "search"}, "tool", "./p", []string{"search"}},
		{[]string{"endpoint", "POST", "/hook"}, "endpoint", ".", []string{"POST", "/hook"}},
		{[]string{"endpoint", "p.difypkg", "POST", "/hook"}, "endpoint", "p.difypkg", []string{"POST", "/hook"}},
		{[]string{"credentials"}, "credentials", ".", nil},
		{[]string{"raw", "tool", "invoke_tool"}, "raw", ".", []string{"tool", "invoke_tool"}},
	} {
		var got *invokeOptions
		execute(t, newInvokeCmd(s, func(o *invokeOptions) error { got = o; return nil }), c.args...)
		if got == nil || got.kind != c.kind || got.path != c.path || strings.Join(got.names, " ") != strings.Join(c.want, " ") {
			t.Errorf("invoke %v: %+v", c.args, got)
		}
	}
}

// The plugin may come before the kind, as people write it first.
func TestInvokeArgsTakeThePluginFirst(t *testing.T) {
	for in, want := range map[string]string{
		"plugin invoke ./p tool search -p q=x":                      "plugin invoke tool ./p search -p q=x",
		"plugin invoke tool ./p search":                             "plugin invoke tool ./p search",
		"plugin invoke tool search":                                 "plugin invoke tool search",
		"plugin invoke p.difypkg llm m":                             "plugin invoke llm p.difypkg m",
		"plugin invoke --json ./p tool x":                           "plugin invoke --json ./p tool x",
		"plugin run ./p tool":                                       "plugin run ./p tool",
		"--config x plugin invoke . raw t a":                        "--config x plugin invoke raw . t a",
		"plugin invoke ./p --python /usr/bin/python3 tool x -p a=b": "plugin invoke tool ./p --python /usr/bin/python3 x -p a=b",
		"plugin invoke ./p -l --refresh llm m --prompt hi":          "plugin invoke llm ./p -l --refresh m --prompt hi",
		"plugin invoke ./p nokind x":                                "plugin invoke nokind ./p x",
		"plugin invoke tol ./p x":                                   "plugin invoke tol ./p x",
	} {
		if got := strings.Join(invokeArgs(strings.Fields(in)), " "); got != want {
			t.Errorf("invokeArgs(%q) = %q, want %q", in, got, want)
		}
	}
}

// A run builds only the commands on its path; help, completion and unknown
// names see the whole group, or the whole tree.
func TestOnlyTheCommandsARunNeedsAreBuilt(t *testing.T) {
	count := func(c *cobra.Command) int {
		n := 0
		var walk func(*cobra.Command)
		walk = func(c *cobra.Command) {
			n++
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(c)
		return n
	}
	all := count(newRootCmd(testStreams(false)))
	plugin := 1 + count(newPluginCmd(testStreams(false), ""))
	for _, c := range []struct {
		args []string
		want int // commands built; 0 means all
	}{
		{[]string{"version"}, 2},
		{[]string{"plugin", "package", "x"}, 3},
		{[]string{"signature", "verify", "x.difypkg"}, 3},
		{[]string{"plugin"}, plugin},
		{[]string{"plugin", "--help"}, plugin},
		{[]string{"plugin", "pakage"}, plugin},
		{[]string{"--help"}, 6},
		{[]string{}, 6},
		{[]string{"help"}, 6},
		{[]string{"help", "plugin"}, 0},
		{[]string{"__complete", "plugin", ""}, 0},
		{[]string{"completion", "bash"}, 0},
		{[]string{"man", "--dir", "x"}, 0},
	} {
		got := count(newRootCmdFor(testStreams(false), c.args))
		want := c.want
		if want == 0 {
			want = all
		}
		if got != want {
			t.Errorf("%v builds %d commands, want %d (of %d)", c.args, got, want, all)
		}
	}
	// And the runs work.
	for _, args := range [][]string{{"version"}, {"plugin", "package", "--help"}, {"plugin", "pakage"}} {
		var out, errOut bytes.Buffer
		s := testStreams(false)
		s.Out, s.Err = &out, &errOut
		code := Main(args, s)
		if args[1:] != nil && args[len(args)-1] == "pakage" {
			if code != 2 || !strings.Contains(errOut.String(), "Did you mean this?\n\tpackage") {
				t.Errorf("%v: exit %d, %s", args, code, errOut.String())
			}
			continue
		}
		if code != 0 || out.Len() == 0 {
			t.Errorf("%v: exit %d, out %q, err %q", args, code, out.String(), errOut.String())
		}
	}
}
