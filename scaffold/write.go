package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckTarget explains why a project cannot be created in dir, or returns
// nil: an existing dir is refused unless it is empty and force is set.
// Forms call it as soon as the name is typed; Write calls it again.
func CheckTarget(dir string, force bool) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return &TargetError{Problem: dir + " already exists and is not a directory", Fix: "choose another name or --dir"}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return &TargetError{Problem: dir + " already exists and is not empty", Fix: "choose another name or --dir"}
	}
	if !force {
		return &TargetError{Problem: dir + " already exists", Fix: "use --force to create the plugin in this empty directory"}
	}
	return nil
}

// TargetError says why a project cannot be created where asked.
type TargetError struct{ Problem, Fix string }

func (e *TargetError) Error() string { return e.Problem + "; " + e.Fix }

// Write creates dir with the planned files. The project is written into a
// temporary directory next to dir and renamed into place, so a failure leaves
// nothing behind. An existing dir is refused unless it is empty and force is set.
func Write(dir string, files []File, force bool) (err error) {
	if err := CheckTarget(dir, force); err != nil {
		var te *TargetError
		if errors.As(err, &te) {
			return fmt.Errorf("%s; nothing was written (%s)", te.Problem, te.Fix)
		}
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	if force {
		// The target is an empty directory: replace it.
		if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return os.Rename(tmp, dir)
}
