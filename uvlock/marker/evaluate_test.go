package marker

import "testing"

func TestEvaluate(t *testing.T) {
	linux312 := Environment{"python_full_version": "3.12.3", "sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": "x86_64", "os_name": "posix", "implementation_name": "cpython", "platform_python_implementation": "CPython"}
	arm311 := Environment{"python_full_version": "3.11.0", "sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": "aarch64", "os_name": "posix", "implementation_name": "cpython"}
	for _, c := range []struct {
		marker           string
		linux312, arm311 bool
	}{
		{"", true, true},
		{"python_version >= '3.12'", true, false},
		{"python_full_version < '3.12.4'", true, true},
		{"sys_platform == 'win32'", false, false},
		{"sys_platform != 'win32'", true, true},
		{"platform_system == 'Linux'", true, true},
		{"platform_machine == 'x86_64' or platform_machine == 'AMD64'", true, false},
		{"platform_machine in 'x86_64 amd64'", true, false},
		{"'64' in platform_machine", true, true},
		{"python_version < '3.12' and platform_machine == 'aarch64'", false, true},
		{"implementation_name == 'pypy'", false, false},
		{"os_name == 'nt' or python_version ~= '3.11.0'", false, true},
		{"extra == 'socks'", false, false},
	} {
		a := New()
		tree := True
		if c.marker != "" {
			var err error
			if tree, err = a.Parse(c.marker); err != nil {
				t.Fatalf("%q: %v", c.marker, err)
			}
		}
		if got := a.Evaluate(tree, linux312); got != c.linux312 {
			t.Errorf("%q on linux/x86_64 3.12: %v, want %v", c.marker, got, c.linux312)
		}
		if got := a.Evaluate(tree, arm311); got != c.arm311 {
			t.Errorf("%q on linux/aarch64 3.11: %v, want %v", c.marker, got, c.arm311)
		}
	}
}

// An environment may name the active extra, as a dependency's Requires-Dist
// is read for each extra asked for.
func TestEvaluateExtra(t *testing.T) {
	a := New()
	tree, err := a.Parse(`extra == "Socks_Proxy" and python_version >= "3.8"`)
	if err != nil {
		t.Fatal(err)
	}
	env := Environment{"python_full_version": "3.12.0"}
	if a.Evaluate(tree, env) {
		t.Error("holds with no extra active")
	}
	env["extra"] = "socks-proxy"
	if !a.Evaluate(tree, env) {
		t.Error("does not hold with the extra active (names normalized)")
	}
	env["extra"] = "other"
	if a.Evaluate(tree, env) {
		t.Error("holds with another extra active")
	}
	neg, _ := a.Parse(`extra != "socks"`)
	if !a.Evaluate(neg, Environment{"extra": "other"}) || a.Evaluate(neg, Environment{"extra": "socks"}) {
		t.Error("extra != is wrong")
	}
}
