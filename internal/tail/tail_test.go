package tail

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestKeepsTheLastLines(t *testing.T) {
	b := &Buffer{Max: 64}
	for i := range 100 {
		fmt.Fprintf(b, "line %d\n", i)
	}
	got := b.Lines(3)
	if want := []string{"line 97", "line 98", "line 99"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lines(3) = %q, want %q", got, want)
	}
	for _, l := range b.Lines(100) {
		if !strings.HasPrefix(l, "line ") {
			t.Errorf("a line cut by the limit is shown: %q", l)
		}
	}
}

func TestOneHugeWrite(t *testing.T) {
	b := &Buffer{Max: 16}
	b.Write([]byte(strings.Repeat("x", 100) + "\nend\n"))
	if got := b.Lines(5); !reflect.DeepEqual(got, []string{"end"}) {
		t.Errorf("Lines = %q, want [end]", got)
	}
	if got := b.String(5, "  "); got != "  end" {
		t.Errorf("String = %q", got)
	}
}

func TestEmpty(t *testing.T) {
	var b Buffer
	if got := b.Lines(3); got != nil {
		t.Errorf("Lines of nothing = %q", got)
	}
	b.Write([]byte("\n\n  \n"))
	if got := b.Lines(3); got != nil {
		t.Errorf("Lines of blank output = %q", got)
	}
	b.Write([]byte("partial"))
	if got := b.Lines(3); !reflect.DeepEqual(got, []string{"partial"}) {
		t.Errorf("a partial last line: %q", got)
	}
}
