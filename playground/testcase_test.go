package playground

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A kept run is a pytest file that Python compiles, with each value as a
// Python literal and the credentials read from the environment.
func TestTestCaseSource(t *testing.T) {
	var params map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"query":"it's \"quoted\"","limit":7,"flag":false,"doc":{"url":"https://x/a.pdf","tags":["a",null]},"ratio":0.5}`))
	dec.UseNumber()
	dec.Decode(&params)
	c := TestCase{Provider: "double", Tool: "all-types", Params: params, Credentials: []string{"api_key"}, Texts: []string{"hi ", "there"}}
	src := string(c.Source())
	for _, want := range []string{
		`def test_all_types_as_in_the_playground():`,
		`tool_parameters={"doc": {"tags": ["a", None], "url": "https://x/a.pdf"}, "flag": False, "limit": 7, "query": "it's \"quoted\"", "ratio": 0.5},`,
		`credentials={"api_key": os.environ.get("DOUBLE_API_KEY", "")},`,
		`assert texts == ["hi ", "there"]`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the test lacks %s:\n%s", want, src)
		}
	}
	if py, err := exec.LookPath("python3"); err == nil {
		f := filepath.Join(t.TempDir(), "t.py")
		os.WriteFile(f, []byte(src), 0o644)
		if out, err := exec.Command(py, "-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", f).CombinedOutput(); err != nil {
			t.Errorf("Python does not compile the test: %v\n%s", err, out)
		}
	}
	dir := t.TempDir()
	first, err := c.Save(dir)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Save(dir)
	if err != nil || first == second || filepath.Base(second) != "test_playground_all_types_2.py" {
		t.Errorf("saved as %s then %s (%v)", first, second, err)
	}
}
