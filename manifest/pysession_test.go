package manifest

import (
	"fmt"
	"slices"
	"testing"
)

func usesOf(sources map[string]string) []string {
	var files []*pyFile
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range sources {
			if !yield(n) {
				return
			}
		}
	}) {
		files = append(files, parsePython(name, sources[name]))
	}
	findSessions(files)
	var out []string
	for _, f := range files {
		for _, u := range f.sessionUses() {
			s := fmt.Sprintf("%s:%d:%d %s %s", u.file, u.line, u.col, u.text, u.perm)
			if u.via != "" {
				s += " via " + u.via
			}
			out = append(out, s)
		}
	}
	return out
}

func TestSessionUses(t *testing.T) {
	cases := []struct {
		name    string
		sources map[string]string
		want    []string
	}{
		{"direct", map[string]string{"a.py": "x = self.session.storage.get('k')\nsession.model.llm.invoke()\n"},
			[]string{"a.py:1:10 session.storage storage", "a.py:2:1 session.model.llm model.llm"}},
		{"passed by position", map[string]string{"a.py": `
def remember(store, key):
    return store.storage.get(key)

class T:
    def _invoke(self):
        remember(self.session, "k")
`}, []string{"a.py:3:12 store.storage storage via remember"}},
		{"passed by keyword, across files", map[string]string{
			"tools/t.py": "from helpers import keep\nkeep(key='k', s=self.session)\n",
			"helpers.py": "def keep(key, s=None):\n    s.storage.set(key, b'v')\n"},
			[]string{"helpers.py:2:5 s.storage storage via keep"}},
		{"a method called through self", map[string]string{"a.py": `
class T:
    def _invoke(self, params):
        self.ask(self.session, params)

    def ask(self, sess, params):
        return sess.model.summary.invoke(text="x")
`}, []string{"a.py:7:16 sess.model.summary model.llm via ask"}},
		{"handed down twice, over several lines", map[string]string{"a.py": `
def outer(
    session_arg,
    other,
):
    inner(other,
          session_arg)

def inner(a, b):
    b.app.chat.invoke()

outer(self.session, 1)
`}, []string{"a.py:10:5 b.app app via inner"}},
		{"other objects are not the session", map[string]string{"a.py": `
def save(db):
    db.storage.put("k")

save(database)
cache.storage.clear()
my_session.tool.invoke()
`}, nil},
		{"a parameter named session is reported once", map[string]string{"a.py": `
def keep(session):
    session.storage.set("k", b"v")

keep(self.session)
`}, []string{"a.py:3:5 session.storage storage"}},
		{"comments are not code", map[string]string{"a.py": "# self.session.storage.get('k')\nx = '#' # session.tool\ny = \"a#b\"; self.session.app\n"},
			[]string{"a.py:3:17 session.app app"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := usesOf(c.sources)
			if !slices.Equal(got, c.want) {
				t.Errorf("uses:\n  %q\nwant:\n  %q", got, c.want)
			}
		})
	}
}

func TestBalanced(t *testing.T) {
	lines := []string{
		`x = f(a, g(b), [c, {d: e}]) + h(i)`,
		`y = call(one,`,
		`         two(3),`,
		`         four)`,
		`z = open(`,
	}
	for _, c := range []struct {
		line, col int
		want      string
		end       int
	}{
		{0, 5, `a, g(b), [c, {d: e}]`, 0},
		{0, 10, `b`, 0},
		{0, 15, `c, {d: e}`, 0},
		{0, 31, `i`, 0},
		{1, 8, `one,          two(3),          four`, 3},
		{4, 8, ` `, 4}, // never closed: what was read, and the line it started on
	} {
		got, end := balanced(lines, c.line, c.col)
		if got != c.want || end != c.end {
			t.Errorf("balanced(line %d, col %d) = %q, %d; want %q, %d", c.line, c.col, got, end, c.want, c.end)
		}
	}
}

func TestStripComment(t *testing.T) {
	for in, want := range map[string]string{
		`x = 1`:                         `x = 1`,
		`x = 1  # one`:                  `x = 1  `,
		`# all comment`:                 ``,
		`s = "a # in a string"  # out`:  `s = "a # in a string"  `,
		`s = 'it\'s # still in' # out`:  `s = 'it\'s # still in' `,
		`s = "unclosed # in the string`: `s = "unclosed # in the string`,
	} {
		if got := stripComment(in); got != want {
			t.Errorf("stripComment(%q) = %q, want %q", in, got, want)
		}
	}
}
