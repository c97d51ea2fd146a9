package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/marketplace"
	"github.com/dify-cli/dify/pack"
)

type validateOptions struct {
	io          *Streams
	ctx         context.Context
	paths       []string
	json        bool
	strict      bool
	plugin      pluginFlags
	market      bool
	online      bool
	marketURL   string
	python      string
	explicitURL bool
}

type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	Check    string `json:"check,omitempty"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

func newValidateCmd(s *Streams, runF func(*validateOptions) error) *cobra.Command {
	o := &validateOptions{io: s}
	cmd := &cobra.Command{
		Use:   "validate [DIR|PACKAGE]...",
		Short: "Check a plugin against every rule Dify applies, and with --marketplace the marketplace's",
		Long: `Check a plugin directory (through its ignore rules) or a .difypkg against the rules
the Dify daemon applies when packaging, installing and running a plugin, and what the
Python SDK needs to start it. Each finding is printed as

  path:line:col: error|warning: message [rule]
    hint: how to fix it

An error means Dify refuses the plugin (packaging, upload or install) or the
plugin cannot start; a warning is something Dify ignores, a call refused at run
time, or a rule Dify enforces only in remote debugging. Exit status 1 when there
is an error (or a warning, with --strict).

The files checked are the ones packaging would take, with the same size limit
(--max-size) and the same refusals (special files, links out of the plugin,
names a package cannot hold); every entry of a package is read in full, so a
damaged one is found here rather than at upload.

Credentials are errors: .env files (not .env.example), private keys and API
tokens (OpenAI, GitHub, Slack, AWS, JWTs) in any text file, each with the file,
the line and the ignore line that leaves it out. --allow-secrets makes them
warnings.

--marketplace adds the Dify Marketplace's verdict: every check its validator
(langgenius/dify-marketplace-toolkit) and the pre-check workflow of
langgenius/dify-plugins run on a submission, blocking where they block and
warning where they warn: package contents and size, secrets, binaries, the
manifest's marketplace fields (repo, contact, privacy), README, dependencies,
Python that compiles (with Python 3.12 when found), safety warnings, outbound
domains and the icon. --online also asks the marketplace whether the version is
already published. Exit status 1 when anything blocks.

Several plugins are checked at once, side by side: give several paths, or
DIR/... for every plugin below DIR; a summary table follows, and the exit status
is 1 if any fails.`,
		Example: `  dify plugin validate
  dify plugin validate ./weather --strict
  dify plugin validate weather.difypkg --json
  dify plugin validate --marketplace ./weather
  dify plugin validate --marketplace --online weather-0.1.0.difypkg
  dify plugin validate plugins/...`,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx = cmd.Context()
			o.paths = args
			if len(o.paths) == 0 {
				o.paths = []string{"."}
			}
			if (o.online || cmd.Flags().Changed("marketplace-url") || cmd.Flags().Changed("python")) && !o.market {
				return usagef("--online, --marketplace-url and --python go with --marketplace")
			}
			o.explicitURL = cmd.Flags().Changed("marketplace-url")
			return dispatch(o, runF, validateRun)
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the findings as JSON")
	f.BoolVar(&o.strict, "strict", false, "exit 1 on warnings too")
	f.BoolVar(&o.market, "marketplace", false, "also run every check the Dify Marketplace runs on a submission")
	f.BoolVar(&o.online, "online", false, "with --marketplace: ask the marketplace whether this version is already published")
	f.StringVar(&o.marketURL, "marketplace-url", marketplace.DefaultBaseURL, "with --online: the marketplace to ask")
	f.StringVar(&o.python, "python", "", "with --marketplace: the Python that compiles the plugin's code (default: a Python 3.12 found on this machine)")
	o.plugin.register(cmd, true)
	addAllowSecretsFlag(f, &o.plugin.allowSecrets)
	completePluginArg(cmd)
	return cmd
}

// validated is one plugin's findings.
type validated struct {
	path   string
	err    error // it could not be read at all
	ds     manifest.Diagnostics
	market *marketplace.Report
}

func (v *validated) failed(strict bool) bool {
	if v.err != nil {
		return true
	}
	errs, warns := count(v.ds)
	if v.market != nil {
		b, w := v.market.Count()
		errs, warns = errs+b, warns+w
	}
	return errs > 0 || strict && warns > 0
}

func validateRun(o *validateOptions) error {
	s := o.io
	paths, err := pack.Targets(o.paths)
	if err != nil {
		return err
	}
	results := make([]*validated, len(paths))
	plans := make([]*pack.Plan, len(paths))
	var market marketplace.Options
	if o.market {
		if market, err = o.marketplaceOptions(); err != nil {
			return err
		}
	}
	started := make([]*marketplace.Started, len(paths))
	quiet := len(paths) > 1
	parallelDo(len(paths), func(i int) {
		v := &validated{path: paths[i]}
		results[i] = v
		plan, err := pack.Open(paths[i], pack.PlanOptions{MaxSize: maxSizeBytes(o.plugin.maxSizeMB), AllowExternalLinks: o.plugin.externalLinks,
			AllowSecrets: o.plugin.allowSecrets, Keep: o.market})
		if err != nil {
			v.err = err
			return
		}
		plans[i] = plan
		v.ds = plan.Check()
		if o.market {
			// The marketplace's checks read the files while the plan
			// holds them, then let them go: a folder of plugins is never
			// in memory whole.
			mp, err := marketplace.FromPlan(o.ctx, plan)
			if err == nil {
				started[i], err = marketplace.Start(mp, market)
			}
			v.err = err
			plan.Close()
		}
	})
	defer func() {
		for _, p := range plans {
			if p != nil {
				p.Close()
			}
		}
	}()
	if len(paths) == 1 && results[0].err != nil {
		return results[0].err
	}
	for i, p := range plans {
		if p == nil {
			continue
		}
		for _, w := range p.Warnings {
			s.warnf("%s", w)
		}
		if !quiet {
			reportGenerated(s, paths[i], p.Generated)
		}
	}
	if o.market {
		var done []*marketplace.Started
		var index []int
		for i, st := range started {
			if st != nil {
				done = append(done, st)
				index = append(index, i)
			}
		}
		for j, r := range marketplace.Finish(o.ctx, done, market) {
			results[index[j]].market = r
		}
	}
	if o.json {
		if err := o.printJSON(results); err != nil {
			return err
		}
	} else if err := o.print(results); err != nil {
		return err
	}
	for _, v := range results {
		if v.failed(o.strict) {
			return &silentError{code: exitFailure}
		}
	}
	return nil
}

// marketplaceOptions are the marketplace's checks' settings: the Python
// that compiles the code (an error only when the one named is unusable),
// the cache of its answers, the marketplace to ask with --online.
func (o *validateOptions) marketplaceOptions() (marketplace.Options, error) {
	s := o.io
	opts := marketplace.Options{}
	if py, err := findPython(o.ctx, s, o.python, "3.12"); err == nil {
		opts.Python, opts.PythonVersion = py.Path, py.Version
	} else if o.python != "" {
		return opts, err
	}
	if dir, err := s.cacheDir(); err == nil {
		opts.CacheDir = filepath.Join(dir, "marketplace")
	}
	if o.online {
		opts.Online = &marketplace.Online{Client: s.factory().HTTPClient(), BaseURL: o.marketURL}
	}
	return opts, nil
}

// marketplaceOf runs the marketplace's checks on one plan.
func (o *validateOptions) marketplaceOf(plan *pack.Plan) (*marketplace.Report, error) {
	opts, err := o.marketplaceOptions()
	if err != nil {
		return nil, err
	}
	mp, err := marketplace.FromPlan(o.ctx, plan)
	if err != nil {
		return nil, err
	}
	reports, err := marketplace.Check(o.ctx, []marketplace.Plugin{mp}, opts)
	if err != nil {
		return nil, err
	}
	return reports[0], nil
}

// print writes the findings through a buffer: a folder of plugins makes
// thousands of lines, each a system call when written straight out.
func (o *validateOptions) print(results []*validated) error {
	out := bufio.NewWriter(o.io.Out)
	for i, v := range results {
		if len(results) > 1 {
			if i > 0 {
				fmt.Fprintln(out)
			}
			fmt.Fprintf(out, "== %s\n", v.path)
		}
		if v.err != nil {
			fmt.Fprintf(out, "%s: %v\n", v.path, v.err)
			continue
		}
		for _, d := range v.ds {
			fmt.Fprintln(out, d)
		}
		errs, warns := count(v.ds)
		fmt.Fprintf(out, "%s: %d error%s, %d warning%s\n", v.path, errs, plural(errs), warns, plural(warns))
		if v.market != nil {
			printMarketplace(out, v.path, v.market, len(results) == 1)
		}
	}
	if len(results) > 1 {
		fmt.Fprintln(out)
		printSummary(out, results, o.strict)
	}
	return out.Flush()
}

type jsonPlugin struct {
	Plugin      string        `json:"plugin"`
	Error       string        `json:"error,omitempty"`
	Findings    []jsonFinding `json:"findings"`
	Marketplace *jsonMarket   `json:"marketplace,omitempty"`
	Failed      bool          `json:"failed"`
}

func (o *validateOptions) printJSON(results []*validated) error {
	buf := bufio.NewWriter(o.io.Out)
	enc := json.NewEncoder(buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(o.jsonValue(results)); err != nil {
		return err
	}
	return buf.Flush()
}

// jsonValue is what --json prints: the findings of one plugin checked
// alone, or an object per plugin.
func (o *validateOptions) jsonValue(results []*validated) any {
	if len(results) == 1 && !o.market && results[0].err == nil {
		return jsonFindings(results[0].ds) // the one-plugin form: an array
	}
	var out []jsonPlugin
	for _, v := range results {
		j := jsonPlugin{Plugin: v.path, Findings: jsonFindings(v.ds), Failed: v.failed(o.strict)}
		if v.err != nil {
			j.Error = v.err.Error()
		}
		if v.market != nil {
			j.Marketplace = marketJSON(v.market)
		}
		out = append(out, j)
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

func count(ds manifest.Diagnostics) (errs, warns int) {
	for _, d := range ds {
		if d.Severity == manifest.Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// validateAll is the validation `package` runs by default: the one
// `validate` runs.
func validateAll(p *pack.Plan) manifest.Diagnostics { return p.Check() }

// jsonFindings are findings as --json prints them; never null.
func jsonFindings(ds manifest.Diagnostics) []jsonFinding {
	out := []jsonFinding{}
	for _, d := range ds {
		out = append(out, jsonFinding{File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Col, Severity: d.Severity.String(), Rule: d.Rule, Message: d.Message, Hint: d.Hint})
	}
	return out
}

// parallelDo runs f(0..n-1), a few at a time.
func parallelDo(n int, f func(int)) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}
