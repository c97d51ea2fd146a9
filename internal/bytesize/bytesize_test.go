package bytesize

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]uint64{
		"1048576": 1 << 20, "1MiB": 1 << 20, "1 MiB": 1 << 20, "1mib": 1 << 20, "1MB": 1000000, "1mb": 1000000,
		"512KiB": 512 << 10, "512kb": 512000, "1024": 1024, "1024B": 1024, " 2 GiB ": 2 << 30, "1.5KiB": 1536,
		"1GB": 1000000000, "0.5MiB": 512 << 10, "1K": 1000, "1Ki": 1024,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "1 XB", "1.0001KiB", "0.1B", "1e3", "99999999999999999999", "18446744073709551615KiB", "1..2MiB"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", in, got)
		}
	}
}

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 50 << 20: "50.0 MiB", 1 << 62: "4.0 EiB"} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}
