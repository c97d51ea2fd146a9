package bundle

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/pack"
)

// Check validates a bundle before it is packaged: the manifest fields, every
// dependency pattern, and every stored package (present, a plugin package,
// and named after its checksum).
func (s *Store) Check() error {
	m, _, err := s.Load()
	if err != nil {
		return err
	}
	var problems []string
	add := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	add(CheckName(m.Name))
	add(CheckAuthor(m.Author))
	add(CheckVersion(m.Version))
	if m.Type != "bundle" {
		problems = append(problems, fmt.Sprintf("type must be bundle, not %q", m.Type))
	}
	if m.Labels["en_US"] == "" || m.Description["en_US"] == "" {
		problems = append(problems, "labels and description need en_US text")
	}
	if _, ok := s.Size("_assets/" + m.Icon); m.Icon == "" || !ok {
		problems = append(problems, fmt.Sprintf("icon %q is not in _assets/", m.Icon))
	}
	for i, d := range m.Dependencies {
		switch d.Type {
		case GitHub:
			add(prefix(i, CheckGitHub(d.Pattern())))
		case Marketplace:
			add(prefix(i, CheckMarketplace(d.Pattern())))
		case Package:
			add(prefix(i, s.checkStoredPackage(d.Pattern())))
		default:
			problems = append(problems, fmt.Sprintf("dependency %d: unknown type %q (github, marketplace or package)", i, d.Type))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the bundle is not valid:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func prefix(i int, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("dependency %d: %v", i, err)
}

func (s *Store) checkStoredPackage(sum string) error {
	if _, ok := s.Size("_assets/" + sum); !ok {
		return fmt.Errorf("the package _assets/%s is missing", sum)
	}
	arc, done, err := s.openPackage("_assets/" + sum)
	if err != nil {
		return fmt.Errorf("_assets/%s: %v", sum, err)
	}
	defer done()
	got, err := checksum.Sum(arc)
	if err != nil {
		return err
	}
	if got != sum {
		return fmt.Errorf("_assets/%s has checksum %s: the stored package was changed", sum, got)
	}
	return nil
}

// DefaultOutput is where a bundle at path is packaged when no output is
// given: NAME.difybndl in the working directory, NAME being path's base name.
func DefaultOutput(path string) (string, error) {
	name, err := pack.DefaultOutput(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(name, ".difypkg") + ".difybndl", nil
}

// Package validates the bundle and writes it to out as a reproducible
// .difybndl: manifest.yaml, _assets/** and root README files.
func (s *Store) Package(out string) error {
	if err := s.Check(); err != nil {
		return err
	}
	fsys, closer, err := s.FS()
	if err != nil {
		return err
	}
	defer closer.Close()
	files, err := packageFiles(fsys)
	if err != nil {
		return err
	}
	return atomicfile.Write(out, 0o644, func(w io.Writer) error {
		return pack.Write(context.Background(), w, subsetFS{fsys, files}, pack.WriteOptions{MaxSize: MaxSize})
	})
}
