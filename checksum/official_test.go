package checksum_test

import (
	"testing"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/pack"
)

// The checksums the official tool prints for its own packages of the demo
// plugin (testdata/official/README.md), and for the directory.
func TestOfficialPackages(t *testing.T) {
	for name, want := range map[string]string{
		"../testdata/official/demo.difypkg":        "60932eef76471e153d7217af2c1cbbbea5e8f547de74f8b169711e0f043bbc6d",
		"../testdata/official/demo.signed.difypkg": "be12c791084cd5f9d8849c8b82935c6b054a0ba43ad37471ffd4ca3b747b7505",
		"../testdata/plugins/demo":                 "60932eef76471e153d7217af2c1cbbbea5e8f547de74f8b169711e0f043bbc6d",
	} {
		p, err := pack.Open(name, pack.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := checksum.Sum(p)
		p.Close()
		if err != nil || got != want {
			t.Errorf("%s: %s, %v; want %s", name, got, err, want)
		}
	}
}
