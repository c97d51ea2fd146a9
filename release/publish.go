package release

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dify-cli/dify/marketplace"
)

// Upstream is the repository marketplace submissions are pull requests to.
const Upstream = "langgenius/dify-plugins"

// PrepareOptions describe a submission to make in a clone of the user's
// fork of langgenius/dify-plugins.
type PrepareOptions struct {
	Clone string // the clone's directory
	// Base is where the branch starts; "" takes upstream/main, origin/main
	// or main, the first the clone has.
	Base string
	Git  string   // the git executable; "git" when empty
	Env  []string // the environment git runs in; the process's when nil
	// Package writes the plugin's .difypkg to the given path.
	Package func(ctx context.Context, output string) error
	// Info is what the pull request says; Prepare sets Update from the
	// versions already in the clone.
	Info BodyInfo
}

// Submission is a prepared pull request: a branch with one commit that
// adds the package, and the body to open it with.
type Submission struct {
	Path     string // the package in the clone: AUTHOR/NAME/NAME-VERSION.difypkg
	Branch   string
	Base     string
	Previous string // the latest version already submitted, "" for a new plugin
	Title    string
	Body     string
	BodyFile string // the body, written inside the clone's .git directory
	Fork     string // OWNER of origin on GitHub, "" when origin is elsewhere
}

type git struct {
	exe, dir string
	env      []string
	ctx      context.Context
}

func (g git) run(args ...string) (string, error) {
	cmd := exec.CommandContext(g.ctx, g.exe, append([]string{"-C", g.dir}, args...)...)
	if g.env != nil {
		cmd.Env = g.env
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimSpace(out.String()), nil
}

func (g git) ok(args ...string) bool {
	_, err := g.run(args...)
	return err == nil
}

var packageVersionRe = regexp.MustCompile(`(\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+)?)`)

// Prepare makes the submission: a branch NAME-VERSION from the base whose
// only change is AUTHOR/NAME/NAME-VERSION.difypkg, committed, and the
// pull request's body beside it. It refuses a clone with uncommitted
// changes, a version already submitted or not above the last one, and
// leaves the clone as it was when anything fails.
func Prepare(ctx context.Context, o PrepareOptions) (sub *Submission, err error) {
	g := git{exe: o.Git, dir: o.Clone, env: o.Env, ctx: ctx}
	if g.exe == "" {
		g.exe = "git"
	}
	if _, err := g.run("rev-parse", "--git-dir"); err != nil {
		return nil, fmt.Errorf("%s is not a git clone of your fork of %s: %w", o.Clone, Upstream, err)
	}
	if st, err := g.run("status", "--porcelain"); err != nil {
		return nil, err
	} else if st != "" {
		return nil, fmt.Errorf("%s has uncommitted changes; commit or stash them first: the submission must be the pull request's only change", o.Clone)
	}
	base := o.Base
	if base == "" {
		for _, ref := range []string{"upstream/main", "origin/main", "main"} {
			if g.ok("rev-parse", "--verify", "--quiet", ref+"^{commit}") {
				base = ref
				break
			}
		}
		if base == "" {
			return nil, fmt.Errorf("%s has no upstream/main, origin/main or main to start from; give --base", o.Clone)
		}
	} else if !g.ok("rev-parse", "--verify", "--quiet", base+"^{commit}") {
		return nil, fmt.Errorf("%s has no %s to start from", o.Clone, base)
	}
	info := o.Info
	folder := path.Join(info.Author, info.Name)
	name := fmt.Sprintf("%s-%s.difypkg", info.Name, info.Version)
	sub = &Submission{Path: path.Join(folder, name), Branch: fmt.Sprintf("%s-%s", info.Name, info.Version), Base: base}

	listing, err := g.run("ls-tree", "--name-only", base+":"+folder)
	if err != nil {
		listing = "" // a new plugin: the folder does not exist yet
	}
	current, err := ParseVersion(info.Version)
	if err != nil {
		return nil, err
	}
	for _, f := range strings.Fields(listing) {
		if !strings.HasSuffix(f, ".difypkg") {
			continue
		}
		if f == name {
			return nil, fmt.Errorf("%s is in %s already: this version was submitted; raise it with dify plugin bump", sub.Path, base)
		}
		m := packageVersionRe.FindString(strings.TrimSuffix(f, ".difypkg"))
		if m == "" {
			continue
		}
		if sub.Previous == "" || compare(m, sub.Previous) > 0 {
			sub.Previous = m
		}
	}
	if sub.Previous != "" {
		info.Update = true
		if compare(info.Version, sub.Previous) <= 0 {
			return nil, fmt.Errorf("version %s is not above %s, the last one submitted (%s); raise it with dify plugin bump", current, sub.Previous, folder)
		}
	}
	if g.ok("rev-parse", "--verify", "--quiet", "refs/heads/"+sub.Branch) {
		return nil, fmt.Errorf("%s already has a branch %s; delete it (git branch -D %s) or raise the version", o.Clone, sub.Branch, sub.Branch)
	}
	previousRef, _ := g.run("rev-parse", "--abbrev-ref", "HEAD")
	if _, err := g.run("checkout", "--quiet", "-b", sub.Branch, base); err != nil {
		return nil, err
	}
	target := filepath.Join(o.Clone, filepath.FromSlash(sub.Path))
	defer func() {
		if err != nil { // put the clone back as it was
			os.Remove(target)
			g.run("checkout", "--quiet", "--force", previousRef)
			g.run("branch", "-D", sub.Branch)
		}
	}()
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return nil, err
	}
	if err := o.Package(ctx, target); err != nil {
		return nil, err
	}
	sub.Title = info.Title()
	if _, err := g.run("add", "--", sub.Path); err != nil {
		return nil, err
	}
	if _, err := g.run("commit", "--quiet", "-m", sub.Title); err != nil {
		return nil, err
	}
	changed, err := g.run("diff", "--name-only", base+"..HEAD")
	if err != nil {
		return nil, err
	}
	if changed != sub.Path {
		return nil, fmt.Errorf("the commit changes more than the package (%s); the marketplace accepts one file per pull request", strings.ReplaceAll(changed, "\n", ", "))
	}
	sub.Body = Body(info)
	if blocking, _ := marketplace.CheckPullRequest(sub.Body, info.Capabilities); len(blocking) > 0 {
		return nil, fmt.Errorf("the pull request's body would be refused: %s", strings.Join(blocking, "; "))
	}
	gitDir, err := g.run("rev-parse", "--absolute-git-dir")
	if err != nil {
		return nil, err
	}
	sub.BodyFile = filepath.Join(gitDir, "dify-publish", sub.Branch+".md")
	if err := os.MkdirAll(filepath.Dir(sub.BodyFile), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(sub.BodyFile, []byte(sub.Body), 0o644); err != nil {
		return nil, err
	}
	if origin, err := g.run("config", "--get", "remote.origin.url"); err == nil { // as written, before any insteadOf
		sub.Fork = githubOwner(origin)
	}
	return sub, nil
}

func compare(a, b string) int {
	va, ea := ParseVersion(a)
	vb, eb := ParseVersion(b)
	if ea != nil || eb != nil {
		return strings.Compare(a, b)
	}
	return va.Compare(vb)
}

var githubRe = regexp.MustCompile(`github\.com[:/]([A-Za-z0-9-]+)/[^/]+?(?:\.git)?/?$`)

// githubOwner is OWNER of a GitHub remote URL, or "".
func githubOwner(url string) string {
	if m := githubRe.FindStringSubmatch(url); m != nil {
		return m[1]
	}
	return ""
}

// PushCommand is the command that pushes the branch.
func (s *Submission) PushCommand(clone string) []string {
	return []string{"git", "-C", clone, "push", "--set-upstream", "origin", s.Branch}
}

// PRCommand is the gh command that opens the pull request from the fork's
// branch, the one pushed.
func (s *Submission) PRCommand() ([]string, error) {
	if s.Fork == "" {
		return nil, errors.New("origin is not a GitHub repository, so the fork's owner is unknown")
	}
	return []string{"gh", "pr", "create", "--repo", Upstream, "--base", "main", "--head", s.Fork + ":" + s.Branch,
		"--title", s.Title, "--body-file", s.BodyFile}, nil
}
