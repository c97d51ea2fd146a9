package pack

import (
	"bytes"
	"fmt"

	"github.com/dify-cli/dify/internal/uvexport"
)

// RequirementsFile is the dependency list the Dify runtime installs.
const RequirementsFile = "requirements.txt"

// Requirements says how a plugin without requirements.txt but with a uv.lock gets one.
type Requirements struct {
	// UV, when not empty, is a uv executable to run (`uv export`) instead of the built-in
	// export. The built-in export prints the same lines and needs nothing installed.
	UV string
}

// GeneratedRequirements describes a requirements.txt added to the package.
type GeneratedRequirements struct {
	Lines    int    // packages listed
	By       string // "uv.lock" for the built-in export, else the uv executable that ran
	Warnings []string
}

// AddRequirements generates requirements.txt from pyproject.toml and uv.lock when the
// plugin selects a uv.lock but no requirements.txt, and adds it to src, so that the package
// and the checksum of the directory both include it. It returns nil when the plugin needs
// nothing generated.
func AddRequirements(src *Source, r Requirements) (*GeneratedRequirements, error) {
	if src.Has(RequirementsFile) || !src.Has(uvexport.LockFile) {
		return nil, nil
	}
	var data []byte
	gen := &GeneratedRequirements{By: uvexport.LockFile}
	if r.UV != "" {
		out, err := uvexport.RunUV(r.UV, src.Root)
		if err != nil {
			return nil, err
		}
		data, gen.By = out, r.UV
	} else {
		res, err := uvexport.Export(src, uvexport.Options{})
		if err != nil {
			return nil, fmt.Errorf("cannot generate %s: %w", RequirementsFile, uvexport.InDir(err, src.Root))
		}
		data, gen.Warnings = res.Requirements, res.Warnings
	}
	gen.Lines = bytes.Count(data, []byte("\n"))
	src.AddGenerated(RequirementsFile, data)
	return gen, nil
}
