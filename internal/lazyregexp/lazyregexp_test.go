package lazyregexp

import "testing"

func TestNew(t *testing.T) {
	re := New(`^[a-z]{1,3}$`)
	if !re().MatchString("abc") || re().MatchString("abcd") {
		t.Fatal("the compiled expression does not match as written")
	}
	if first, second := re(), re(); first != second {
		t.Fatal("each call compiled the expression again")
	}
}

func TestInvalidPanicsOnUse(t *testing.T) {
	re := New(`(`) // creating it must not panic
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid expression did not panic on first use")
		}
	}()
	re()
}
