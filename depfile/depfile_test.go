package depfile

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		files  []string
		s      Settings
		file   string
		frozen bool
		why    string // part of Why
		err    string
	}{
		{[]string{Pyproject, Lock}, Settings{}, Pyproject, true, "pinned by uv.lock", ""},
		{[]string{Pyproject, Lock, Requirements}, Settings{}, Pyproject, true, "the daemon prefers it to requirements.txt", ""},
		{[]string{Pyproject}, Settings{}, Pyproject, false, "resolved afresh", ""},
		{[]string{Requirements}, Settings{}, Requirements, false, "requirements.txt", ""},
		{[]string{Pyproject, Lock, Requirements}, Settings{Mirror: true}, Requirements, false, "PIP_MIRROR_URL", ""},
		{[]string{Pyproject, Lock}, Settings{Mirror: true}, Pyproject, true, "", ""},
		{[]string{Pyproject, Lock}, Settings{IgnoreLock: true}, Pyproject, false, "PLUGIN_IGNORE_UV_LOCK", ""},
		{[]string{Pyproject, Lock, Requirements}, Settings{Prefer: Requirements}, Requirements, false, "as asked", ""},
		{[]string{Pyproject, Lock, Requirements}, Settings{Prefer: Pyproject, Mirror: true}, Pyproject, true, "as asked", ""},
		{[]string{Pyproject}, Settings{Prefer: Requirements}, "", false, "", "no requirements.txt"},
		{[]string{Requirements}, Settings{Prefer: "setup.py"}, "", false, "", "neither"},
		{[]string{Lock}, Settings{}, "", false, "", "neither requirements.txt nor pyproject.toml"},
		{nil, Settings{}, "", false, "", "neither requirements.txt nor pyproject.toml"},
	} {
		has := func(name string) bool { return slices.Contains(c.files, name) }
		got, err := Choose(has, c.s)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v %+v: err %v, want %q", c.files, c.s, err, c.err)
			}
			continue
		}
		if err != nil || got.File != c.file || got.Frozen != c.frozen || !strings.Contains(got.Why, c.why) {
			t.Errorf("%v %+v: %+v, %v; want %s frozen=%v why~%q", c.files, c.s, got, err, c.file, c.frozen, c.why)
		}
		// Only a plugin with one file and no setting that matters chooses
		// without anything to say.
		alone := len(c.files) == 1 || (len(c.files) == 2 && slices.Contains(c.files, Lock) && !c.s.IgnoreLock)
		if got.Notable == (alone && c.s.Prefer == "") {
			t.Errorf("%v %+v: notable=%v", c.files, c.s, got.Notable)
		}
	}
	if _, err := Choose(func(string) bool { return false }, Settings{}); !errors.Is(err, ErrNone) {
		t.Errorf("no files: %v", err)
	}
}
