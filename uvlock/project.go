package uvlock

import (
	"errors"
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/dify-cli/dify/internal/lazyregexp"
)

// pyproject is the part of pyproject.toml that export reads.
type pyproject struct {
	Project *struct {
		Name                 string              `toml:"name"`
		Dependencies         []string            `toml:"dependencies"`
		OptionalDependencies map[string][]string `toml:"optional-dependencies"`
	} `toml:"project"`
	DependencyGroups map[string][]any `toml:"dependency-groups"`
	Tool             struct {
		UV struct {
			DevDependencies []string `toml:"dev-dependencies"`
			DefaultGroups   any      `toml:"default-groups"`
			Workspace       *struct {
				Members []string `toml:"members"`
			} `toml:"workspace"`
		} `toml:"uv"`
	} `toml:"tool"`
}

func decodePyproject(name string, data []byte) (*pyproject, error) {
	var pp pyproject
	if _, err := toml.Decode(string(data), &pp); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &LockError{File: name, Line: pe.Position.Line, Msg: "not valid TOML: " + pe.Message}
		}
		return nil, &LockError{File: name, Msg: "cannot be read: " + oneLine(err.Error())}
	}
	if pp.Project != nil && pp.Project.Name == "" {
		return nil, &LockError{File: name, Line: lineOf(data, "[project]"), Msg: "[project] has no name; add `name = \"...\"`"}
	}
	if pp.Project == nil && pp.Tool.UV.Workspace == nil {
		return nil, &LockError{File: name, Msg: "has no [project] table; add one with the plugin's name and dependencies"}
	}
	return &pp, nil
}

// defaultGroups are the dependency groups uv selects when none are named on the command line:
// tool.uv.default-groups, else just `dev`. all is true for `default-groups = "all"`.
func (pp *pyproject) defaultGroups() (groups []string, all bool, err error) {
	switch v := pp.Tool.UV.DefaultGroups.(type) {
	case nil:
		return []string{"dev"}, false, nil
	case string:
		if v == "all" {
			return nil, true, nil
		}
	case []any:
		for _, g := range v {
			s, ok := g.(string)
			if !ok {
				return nil, false, fmt.Errorf("tool.uv.default-groups must list group names")
			}
			groups = append(groups, normalizeName(s))
		}
		return groups, false, nil
	}
	return nil, false, fmt.Errorf(`tool.uv.default-groups must be a list of group names or "all"`)
}

var requirementName = lazyregexp.New(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)`)

// dependencyNames lists the normalised names of the project's dependencies and optional
// dependencies.
func (pp *pyproject) dependencyNames() []string {
	if pp.Project == nil {
		return nil
	}
	var names []string
	add := func(reqs []string) {
		for _, r := range reqs {
			if m := requirementName().FindStringSubmatch(r); m != nil {
				names = append(names, normalizeName(m[1]))
			}
		}
	}
	add(pp.Project.Dependencies)
	for _, reqs := range pp.Project.OptionalDependencies {
		add(reqs)
	}
	return names
}

// ProjectDependencies are the requirements pyproject.toml's [project]
// table lists (project.dependencies), as written: what `uv sync --no-dev`
// installs, before resolution, when there is no lock.
func ProjectDependencies(name string, data []byte) ([]string, error) {
	pp, err := decodePyproject(name, data)
	if err != nil {
		return nil, err
	}
	if pp.Project == nil {
		return nil, nil
	}
	return pp.Project.Dependencies, nil
}
