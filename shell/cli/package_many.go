package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
)

// packed is one plugin's result when several are packaged.
type packed struct {
	Plugin   string        `json:"plugin"`
	Output   string        `json:"output,omitempty"`
	Files    int           `json:"files,omitempty"`
	Size     int64         `json:"size,omitempty"`
	Error    string        `json:"error,omitempty"`
	Findings []jsonFinding `json:"findings"`
}

// packageMany packages several plugins side by side, each into
// NAME.difypkg in the output folder, and prints a table (or JSON).
func packageMany(o *packageOptions) error {
	s := o.io
	dirs, err := pack.Targets(o.dirs)
	if err != nil {
		return err
	}
	outDir := o.output
	if outDir == "" {
		outDir = "."
	}
	// Outputs are decided first: two plugins must not write the same file.
	outputs := make([]string, len(dirs))
	seen := map[string]string{}
	for i, d := range dirs {
		name, err := pack.OutputName(d, "")
		if err != nil {
			return err
		}
		outputs[i] = filepath.Join(outDir, filepath.Base(name))
		if other, ok := seen[outputs[i]]; ok {
			return fmt.Errorf("%s and %s would both be packaged to %s; package them one at a time with -o", other, d, outputs[i])
		}
		seen[outputs[i]] = d
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	results := make([]packed, len(dirs))
	parallelDo(len(dirs), func(i int) {
		r := packed{Plugin: dirs[i], Findings: []jsonFinding{}}
		res, err := pack.Package(ctx, pack.Options{Dir: dirs[i], Output: outputs[i], MaxSize: maxSizeBytes(o.maxSizeMB), Validate: validateAll,
			NoValidate: o.noValidate, AllowExternalLinks: o.externalLinks, AllowSecrets: o.allowSecrets})
		if res != nil {
			r.Output, r.Files, r.Size, r.Findings = res.Output, res.Files, res.Size, jsonFindings(res.Findings)
		}
		if err != nil {
			r.Error = describePackError(err)
			r.Findings = append(r.Findings, jsonFindings(findingsOf(err))...)
		}
		results[i] = r
	})
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	failed := 0
	for _, r := range results {
		if r.Error != "" {
			failed++
		}
	}
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			for _, f := range r.Findings {
				fmt.Fprintf(s.Err, "%s: %s:%d: %s: %s [%s]\n", r.Plugin, f.File, f.Line, f.Severity, f.Message, f.Rule)
			}
		}
		tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PLUGIN\tFILES\tSIZE\tPACKAGE")
		for _, r := range results {
			if r.Error != "" {
				fmt.Fprintf(tw, "%s\t-\t-\tFAIL: %s\n", r.Plugin, r.Error)
				continue
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", r.Plugin, r.Files, bytesize.Format(r.Size), r.Output)
		}
		tw.Flush()
		fmt.Fprintf(s.Out, "%d packaged, %d failed\n", len(results)-failed, failed)
	}
	if failed > 0 {
		return &silentError{code: exitFailure}
	}
	return nil
}

// describePackError says in one line why a plugin was not packaged.
func describePackError(err error) string {
	var problems *pack.ProblemError
	var invalid *manifest.InvalidError
	switch {
	case errors.As(err, &problems):
		n := len(problems.Diagnostics)
		return fmt.Sprintf("%d file%s cannot be packaged", n, plural(n))
	case errors.As(err, &invalid):
		n := len(invalid.Diagnostics)
		return fmt.Sprintf("%d error%s", n, plural(n))
	}
	return err.Error()
}

// findingsOf are the findings an error carries.
func findingsOf(err error) manifest.Diagnostics {
	var problems *pack.ProblemError
	var invalid *manifest.InvalidError
	switch {
	case errors.As(err, &problems):
		return problems.Diagnostics
	case errors.As(err, &invalid):
		return invalid.Diagnostics
	}
	return nil
}
