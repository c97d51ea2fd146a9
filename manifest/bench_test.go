package manifest

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCheck validates a tool plugin with 200 tools, each a YAML
// declaration and a Python file, as `dify plugin validate` does.
func BenchmarkCheck(b *testing.B) {
	files := validPlugin()
	var list strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&list, "  - tools/t%d.yaml\n", i)
		files[fmt.Sprintf("tools/t%d.yaml", i)] = fmt.Sprintf("identity:\n  name: t%d\n  label:\n    en_US: Tool %d\ndescription:\n  human:\n    en_US: does %d\n  llm: does %d\nparameters:\n  - name: q\n    type: string\n    form: llm\n    label:\n      en_US: Query\n    human_description:\n      en_US: what to look up\n    llm_description: what to look up\nextra:\n  python:\n    source: tools/t%d.py\n", i, i, i, i, i)
		files[fmt.Sprintf("tools/t%d.py", i)] = strings.Repeat("# a line of plugin code that does something useful\n", 60) + "class T: pass\n"
	}
	files["provider/demo.yaml"] = strings.Replace(files["provider/demo.yaml"], "  - tools/hello.yaml\n", "  - tools/hello.yaml\n"+list.String(), 1)
	fsys := mapFS(files)
	var size int64
	for _, f := range fsys {
		size += int64(len(f.Data))
	}
	if ds := Check(fsys); len(ds) != 0 {
		b.Fatalf("benchmark plugin is not valid: %v", ds)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Check(fsys)
	}
}
