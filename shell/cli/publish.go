package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/internal/build"
	"github.com/dify-cli/dify/marketplace"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/release"
)

type publishOptions struct {
	io            *Streams
	ctx           context.Context
	dir           string
	clone         string
	base          string
	notes         string
	notesFile     string
	risk          string
	breaking      bool
	securityNotes string
	push          bool
	pr            bool
	online        bool
	marketURL     string
	python        string
}

func newPublishCmd(s *Streams, runF func(*publishOptions) error) *cobra.Command {
	o := &publishOptions{io: s}
	cmd := &cobra.Command{
		Use:   "publish [DIR] --clone FORK",
		Short: "Prepare the marketplace pull request: the package on a branch of your fork, and its body",
		Long: `Prepare a submission to the Dify Marketplace, which is a pull request to
langgenius/dify-plugins from your fork of it.

First the plugin is validated as dify plugin validate --marketplace does; anything
that blocks stops here. Then, in FORK (a local clone of your fork):

  - a branch NAME-VERSION starts from upstream/main, origin/main or main (--base),
  - the package is written to AUTHOR/NAME/NAME-VERSION.difypkg and committed, the
    pull request's only change, as the marketplace requires,
  - the pull request's body is written beside it (in FORK/.git/dify-publish/), with
    the plugin's information, the submission type (a new plugin, or a version update
    when an earlier version is in the folder), the risk level, what changed (--notes,
    --notes-file, or the version's section of CHANGELOG.md), the local validation,
    and security notes naming every sensitive capability the marketplace's scan
    finds in the code. It passes the marketplace's checks of pull requests.

--push pushes the branch to origin; --pr also opens the pull request with gh.
Without them, the exact commands are printed. Nothing in FORK changes when a step
fails.`,
		Example: `  dify plugin publish --clone ~/src/dify-plugins
  dify plugin publish ./weather --clone ../dify-plugins --notes "Adds hourly forecasts." --pr`,
		Args: maxArgs(1, "the plugin's directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx = cmd.Context()
			o.dir = targetArg(args)
			if o.clone == "" {
				return usagef("--clone is required: a local clone of your fork of %s", release.Upstream)
			}
			if o.notes != "" && o.notesFile != "" {
				return usagef("give --notes or --notes-file, not both")
			}
			switch o.risk {
			case "", "low", "medium", "high":
			default:
				return usagef("--risk is low, medium or high")
			}
			o.push = o.push || o.pr
			return dispatch(o, runF, publishRun)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.clone, "clone", "", "local clone of your fork of langgenius/dify-plugins")
	f.StringVar(&o.base, "base", "", "where the branch starts (default upstream/main, origin/main or main)")
	f.StringVar(&o.notes, "notes", "", "what changed, for the pull request (default: the version's section of CHANGELOG.md)")
	f.StringVar(&o.notesFile, "notes-file", "", "read what changed from this file")
	f.StringVar(&o.risk, "risk", "", "risk level: low, medium or high (default: from the capabilities found in the code)")
	f.BoolVar(&o.breaking, "breaking", false, "the version update has breaking changes")
	f.StringVar(&o.securityNotes, "security-notes", "", "your own security notes: input constraints, limits, what the plugin refuses to do")
	f.BoolVar(&o.push, "push", false, "push the branch to origin")
	f.BoolVar(&o.pr, "pr", false, "push, then open the pull request with gh")
	f.BoolVar(&o.online, "online", false, "also ask the marketplace whether the version is already published")
	f.StringVar(&o.marketURL, "marketplace-url", marketplace.DefaultBaseURL, "with --online: the marketplace to ask")
	f.StringVar(&o.python, "python", "", "the Python that compiles the plugin's code (default: a Python 3.12 found on this machine)")
	completeValues(cmd, "risk", []string{"low", "medium", "high"})
	completePluginArg(cmd)
	return cmd
}

func publishRun(o *publishOptions) error {
	s := o.io
	if st, err := os.Stat(o.dir); err == nil && !st.IsDir() {
		return usagef("%s is not a directory: publish packages the plugin's directory", o.dir)
	}
	v := &validateOptions{io: s, ctx: o.ctx, paths: []string{o.dir}, market: true, online: o.online, marketURL: o.marketURL, python: o.python}
	plan, err := pack.OpenDir(o.dir, pack.PlanOptions{Keep: true})
	if err != nil {
		return err
	}
	defer plan.Close()
	result := &validated{path: o.dir, ds: plan.Check()}
	if result.market, err = v.marketplaceOf(plan); err != nil {
		return err
	}
	r := result.market
	if errs, _ := count(result.ds); errs > 0 || r.Blocked() {
		v.print([]*validated{result})
		fmt.Fprintln(s.Err, "publish stopped: the marketplace would refuse the plugin; fix what blocks, then publish again")
		return &silentError{code: exitFailure}
	}
	m := r.Manifest
	info := release.BodyInfo{Author: m["author"], Name: m["name"], Version: m["version"], Repo: m["repo"], Contact: m["contact"],
		Privacy: m["privacy"], Breaking: o.breaking, SecurityNotes: o.securityNotes, Capabilities: r.Capabilities}
	info.Risk = release.RiskOf(r.Capabilities)
	if o.risk != "" {
		info.Risk = strings.ToUpper(o.risk[:1]) + o.risk[1:] + " risk"
	}
	if info.Changes, err = o.changes(info); err != nil {
		return err
	}
	_, warnings := r.Count()
	info.Validation = validationNote(r, warnings)

	gitExe, err := s.factory().LookPath("git")
	if err != nil {
		return errors.New("git is not installed: publish needs it to prepare the branch")
	}
	sub, err := release.Prepare(o.ctx, release.PrepareOptions{
		Clone: o.clone, Base: o.base, Git: gitExe, Env: s.environ(), Info: info,
		Package: func(ctx context.Context, output string) error {
			_, err := pack.Package(ctx, pack.Options{Dir: o.dir, Output: output, Validate: validateAll})
			return err
		},
	})
	if err != nil {
		return err
	}
	// The body is checked again with what the full run knows.
	if _, warns := marketplace.CheckPullRequest(sub.Body, r.Capabilities); len(warns) > 0 {
		for _, w := range warns {
			s.warnf("%s", w)
		}
	}
	kind := "new plugin"
	if sub.Previous != "" {
		kind = "version update from " + sub.Previous
	}
	fmt.Fprintf(s.Out, "prepared %s (%s, %s) on branch %s of %s\n", sub.Path, kind, info.Risk, sub.Branch, o.clone)
	fmt.Fprintf(s.Out, "pull request body: %s\n", sub.BodyFile)
	return o.deliver(sub)
}

// changes is the pull request's "What changed".
func (o *publishOptions) changes(info release.BodyInfo) (string, error) {
	switch {
	case o.notes != "":
		return o.notes, nil
	case o.notesFile != "":
		data, err := os.ReadFile(o.notesFile)
		return string(data), err
	}
	if data, err := os.ReadFile(filepath.Join(o.dir, "CHANGELOG.md")); err == nil {
		if sec := release.ChangelogSection(string(data), info.Version); sec != "" {
			return sec, nil
		}
	}
	return fmt.Sprintf("Version %s of %s.", info.Version, info.Name), nil
}

func validationNote(r *marketplace.Report, warnings int) string {
	lines := []string{fmt.Sprintf("- `dify plugin validate --marketplace` (dify %s): nothing blocks; %d warning%s for review.", build.Read().Version, warnings, plural(warnings))}
	for _, sk := range r.Skipped {
		if sk.Check == marketplace.Compile || strings.HasPrefix(sk.Reason, "compiled with") {
			lines = append(lines, "- "+sk.Reason+".")
		}
	}
	return strings.Join(lines, "\n")
}

// deliver pushes and opens the pull request when asked, and prints the
// commands that are left.
func (o *publishOptions) deliver(sub *release.Submission) error {
	s := o.io
	push := sub.PushCommand(o.clone)
	pr, prErr := sub.PRCommand()
	if o.push {
		if err := o.runCommand(push); err != nil {
			return err
		}
		fmt.Fprintf(s.Out, "pushed %s to origin\n", sub.Branch)
	}
	if o.pr && prErr == nil {
		if _, err := s.factory().LookPath("gh"); err == nil {
			return o.runCommand(pr)
		}
		fmt.Fprintln(s.Out, "gh is not installed; open the pull request with:")
		fmt.Fprintf(s.Out, "  %s\n", shellJoin(pr))
		return nil
	}
	fmt.Fprintln(s.Out, "\nNext:")
	if !o.push {
		fmt.Fprintf(s.Out, "  %s\n", shellJoin(push))
	}
	if prErr != nil {
		fmt.Fprintf(s.Out, "  then open a pull request to %s from branch %s (%v), with the body above\n", release.Upstream, sub.Branch, prErr)
	} else {
		fmt.Fprintf(s.Out, "  %s\n", shellJoin(pr))
	}
	return nil
}

func (o *publishOptions) runCommand(argv []string) error {
	exe, err := o.io.factory().LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("%s is not installed", argv[0])
	}
	cmd := exec.CommandContext(o.ctx, exe, argv[1:]...)
	cmd.Env = o.io.environ()
	cmd.Stdout, cmd.Stderr = o.io.Out, o.io.Err
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v", shellJoin(argv), err)
	}
	return nil
}

// shellJoin writes a command as one would type it in a POSIX shell.
func shellJoin(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@+,") == "" {
			out[i] = a
		} else {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(out, " ")
}
