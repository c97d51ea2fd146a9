package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/marketplace"
	"github.com/dify-cli/dify/pyenv"
)

// findPython finds the interpreter the marketplace's compile check uses:
// the one named (--python), else a Python of the version wanted, else any
// Python 3 (the report then says which version compiled).
func findPython(ctx context.Context, s *Streams, named, want string) (pyenv.Interpreter, error) {
	c, err := pyenv.Find(ctx, pyenv.Want{Version: want, Override: named, LookPath: s.factory().LookPath, Env: s.environ()})
	return c.Interpreter, err
}

// printMarketplace prints a marketplace report: the findings by check, a
// table of the checks, what did not run, and the verdict with the steps
// left before submitting.
func printMarketplace(w io.Writer, path string, r *marketplace.Report, table bool) {
	fmt.Fprintf(w, "\nMarketplace checks (langgenius/dify-plugins):\n")
	last := ""
	for _, f := range r.Findings {
		if f.Check != last {
			last = f.Check
			kind := "warns"
			if info := checkInfo(f.Check); info.Blocking {
				kind = "blocks"
			}
			fmt.Fprintf(w, "%s (%s):\n", f.Check, kind)
		}
		fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(f.Diagnostic.String(), "\n", "\n  "))
	}
	if table {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nCHECK\tKIND\tRESULT")
		for _, c := range marketplace.Checks {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, kindOf(c), resultOf(r, c.Name))
		}
		tw.Flush()
	}
	if table {
		for _, sk := range r.Skipped {
			fmt.Fprintf(w, "note: %s: %s\n", sk.Check, sk.Reason)
		}
	}
	blocking, warnings := r.Count()
	if blocking == 0 {
		fmt.Fprintf(w, "%s: ready for the marketplace: nothing blocks (%d warning%s for its reviewers)\n", path, warnings, plural(warnings))
		return
	}
	fmt.Fprintf(w, "%s: the marketplace would refuse it: %d blocking finding%s, %d warning%s\n", path, blocking, plural(blocking), warnings, plural(warnings))
	fmt.Fprintln(w, "Before submitting:")
	n := 0
	for _, f := range r.Findings {
		if f.Severity != manifest.Error {
			continue
		}
		n++
		step := f.Hint
		if step == "" {
			step = f.Message
		}
		fmt.Fprintf(w, "  %d. %s: %s\n", n, f.Pos, step)
	}
}

func checkInfo(name string) marketplace.CheckInfo {
	for _, c := range marketplace.Checks {
		if c.Name == name {
			return c
		}
	}
	return marketplace.CheckInfo{Name: name}
}

func kindOf(c marketplace.CheckInfo) string {
	if c.Blocking {
		return "blocking"
	}
	return "warning"
}

// resultOf is a check's line in the table: pass, fail, warnings, or why it
// did not run.
func resultOf(r *marketplace.Report, check string) string {
	var blocking, warnings int
	for _, f := range r.Of(check) {
		if f.Severity == manifest.Error {
			blocking++
		} else {
			warnings++
		}
	}
	switch {
	case blocking > 0:
		return fmt.Sprintf("FAIL (%d)", blocking)
	case warnings > 0:
		return fmt.Sprintf("pass, %d warning%s", warnings, plural(warnings))
	}
	for _, sk := range r.Skipped {
		if sk.Check == check && !strings.HasPrefix(sk.Reason, "compiled with") {
			return "not run"
		}
	}
	return "pass"
}

// printSummary is the table after several plugins.
func printSummary(w io.Writer, results []*validated, strict bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	market := false
	for _, v := range results {
		market = market || v.market != nil
	}
	if market {
		fmt.Fprintln(tw, "PLUGIN\tERRORS\tWARNINGS\tMARKETPLACE\tRESULT")
	} else {
		fmt.Fprintln(tw, "PLUGIN\tERRORS\tWARNINGS\tRESULT")
	}
	failed := 0
	for _, v := range results {
		result := "ok"
		if v.failed(strict) {
			result = "FAIL"
			failed++
		}
		if v.err != nil {
			fmt.Fprintf(tw, "%s\t-\t-\t%s%s\n", v.path, map[bool]string{true: "-\t", false: ""}[market], "cannot be read")
			continue
		}
		errs, warns := count(v.ds)
		if market {
			verdict := "-"
			if v.market != nil {
				b, mw := v.market.Count()
				warns += mw
				verdict = "ready"
				if b > 0 {
					verdict = fmt.Sprintf("blocked (%d)", b)
				}
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", v.path, errs, warns, verdict, result)
		} else {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", v.path, errs, warns, result)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "%d plugin%s, %d failed\n", len(results), plural(len(results)), failed)
}

type jsonMarket struct {
	Blocked  bool          `json:"blocked"`
	Findings []jsonFinding `json:"findings"`
	Checks   []jsonCheck   `json:"checks"`
	Notes    []jsonNote    `json:"notes"`
}

type jsonCheck struct {
	Name     string `json:"name"`
	Blocking bool   `json:"blocking"`
	Result   string `json:"result"`
}

type jsonNote struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
}

func marketJSON(r *marketplace.Report) *jsonMarket {
	j := &jsonMarket{Blocked: r.Blocked(), Findings: []jsonFinding{}, Checks: []jsonCheck{}, Notes: []jsonNote{}}
	for _, f := range r.Findings {
		d := f.Diagnostic
		j.Findings = append(j.Findings, jsonFinding{File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Col, Severity: d.Severity.String(),
			Check: f.Check, Rule: d.Rule, Message: d.Message, Hint: d.Hint})
	}
	for _, c := range marketplace.Checks {
		j.Checks = append(j.Checks, jsonCheck{Name: c.Name, Blocking: c.Blocking, Result: resultOf(r, c.Name)})
	}
	for _, sk := range r.Skipped {
		j.Notes = append(j.Notes, jsonNote{Check: sk.Check, Reason: sk.Reason})
	}
	return j
}
