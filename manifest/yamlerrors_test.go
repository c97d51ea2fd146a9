package manifest

import (
	"strings"
	"testing"
)

// Each broken manifest is the valid one with one mistake; the finding names
// the line of the mistake, in plain words, with the fix.
func TestYAMLMistakesAtTheirLine(t *testing.T) {
	for _, c := range []struct {
		name       string
		from, to   string
		line       int
		msg, hint  string
		parserLine int // where the parser stopped, when it differs
	}{
		{"unclosed double quote", "author: acme", `author: "acme`, 3,
			`the quoted value on line 3 is not closed, so YAML reads on into the lines below`, `add the closing " at the end of the value on line 3`, 30},
		{"unclosed single quote", "author: acme", `author: 'acme`, 3,
			`the quoted value on line 3 is not closed`, `add the closing ' at the end`, 3},
		{"a tab", "  memory: 268435456", "\tmemory: 268435456", 13,
			`line 13 is indented with a tab; YAML indents with spaces only`, `replace the tab with spaces`, 13},
		{"a colon in a value", "  en_US: Demo plugin", "  en_US: Note: a demo", 10,
			`the value of en_US on line 10 holds ": ", which YAML reads as another key`, `quote the whole value: en_US: "Note: a demo"`, 10},
		{"indentation", "    language: python", "   language: python", 23,
			`line 23 is not indented like the lines it belongs with (line 22 above)`, `indent every key of one mapping by the same number of spaces`, 23},
		{"an unclosed list", "  arch:\n    - amd64", "  arch: [amd64", 19,
			`the list opened on line 19 is not closed`, `add ] at its end`, 20},
		{"no colon", "name: demo", "name demo", 4,
			`line 4 is not a "key: value" line`, `put ": " between the key and its value`, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := validPlugin()
			if !strings.Contains(files["manifest.yaml"], c.from) {
				t.Fatalf("the manifest has no %q", c.from)
			}
			files["manifest.yaml"] = strings.Replace(files["manifest.yaml"], c.from, c.to, 1)
			ds := Check(mapFS(files))
			if len(ds) != 1 {
				t.Fatalf("%d findings: %v", len(ds), ds)
			}
			d := ds[0]
			if d.Pos.File != "manifest.yaml" || d.Pos.Line != c.line || d.Rule != "yaml" || !strings.Contains(d.Message, c.msg) || !strings.Contains(d.Hint, c.hint) {
				t.Errorf("got %s\nwant line %d, %q, hint %q", d, c.line, c.msg, c.hint)
			}
			if c.parserLine != c.line && !strings.Contains(d.Message, "the YAML parser stopped at line ") {
				t.Errorf("the parser's own words are gone: %s", d.Message)
			}
		})
	}
}

// A value of the wrong type is said in the terms of its key, and the rest
// of the file is still checked: a typo further down is found too.
func TestTypeErrorsDoNotStopTheCheck(t *testing.T) {
	files := validPlugin()
	files["manifest.yaml"] = strings.Replace(files["manifest.yaml"], "  memory: 268435456\n",
		"  memory: 268435456\n  permission:\n    tool:\n      enabled: yes-please\n    modle:\n      enabled: true\n      llm: true\n", 1)
	files["tools/hello.py"] = "class Hello:\n    def run(self):\n        return self.session.model.llm.invoke()\n"
	var got []string
	for _, d := range Check(mapFS(files)) {
		got = append(got, d.String())
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{
		`manifest.yaml:16: error: resource.permission.tool.enabled is true or false, not "yes-please" [yaml]`,
		"  hint: write resource.permission.tool.enabled: true or resource.permission.tool.enabled: false",
		`manifest.yaml:17:5: error: resource.permission.modle is not a key Dify reads; it looks like a typo of resource.permission.model`,
		"  hint: rename modle to model",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("findings lack %q:\n%s", want, text)
		}
	}
	// The typo was read as model: the call needing it is granted.
	if strings.Contains(text, "permission-missing") {
		t.Errorf("the repaired key did not count:\n%s", text)
	}
}

// An identity typo in a provider is its one finding, not a missing label.
func TestTypoIsTheOneFinding(t *testing.T) {
	files := validPlugin()
	files["provider/demo.yaml"] = strings.Replace(files["provider/demo.yaml"], "identity:", "identiy:", 1)
	ds := Check(mapFS(files))
	if len(ds) != 1 || ds[0].Rule != "key-typo" || ds[0].Pos.Line != 1 || ds[0].Hint != "rename identiy to identity" {
		t.Errorf("findings: %v", ds)
	}
}

// FuzzYAMLMistakes: whatever a manifest holds, its findings point at lines
// it has, and nothing panics.
func FuzzYAMLMistakes(f *testing.F) {
	base := validPlugin()["manifest.yaml"]
	for _, s := range []string{base, strings.Replace(base, "author: acme", `author: "acme`, 1), "a:\n\t- b\n", "x: [1, {a: 'b\n", "- - -\n  :\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		files := validPlugin()
		files["manifest.yaml"] = text
		// YAML breaks lines at \n, \r\n and a lone \r (and yaml.v3 at
		// NEL, LS and PS too).
		norm := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(text)
		lines := strings.Count(norm, "\n") + 1
		for _, d := range Check(mapFS(files)) {
			if d.Pos.File == "manifest.yaml" && d.Pos.Line > lines {
				t.Fatalf("%s points past the file's %d lines", d, lines)
			}
		}
	})
}
