package main

import (
	"os"
	"os/exec"
	"testing"
)

// BenchmarkStartup runs the built binary for commands that do almost
// nothing, so that what is measured is the start: process creation,
// package initialisation, building the commands. With DIFY_REFERENCE set to
// the official tool's binary, it runs that too, side by side.
//
//	go test -run '^$' -bench Startup -benchtime 200x ./cmd/dify
func BenchmarkStartup(b *testing.B) {
	bins := map[string]string{"dify": buildDify(b, "-trimpath", "-ldflags", "-s -w")}
	if ref := os.Getenv("DIFY_REFERENCE"); ref != "" {
		bins["reference"] = ref
	}
	for name, bin := range bins {
		for _, args := range [][]string{{"version"}, {"--help"}} {
			b.Run(name+"/"+args[0], func(b *testing.B) {
				for b.Loop() {
					cmd := exec.Command(bin, args...)
					if err := cmd.Run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
