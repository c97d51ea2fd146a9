// Command dify creates, runs, checks, packages and signs Dify plugins.
package main

import (
	"os"
	"runtime/debug"

	"github.com/dify-cli/dify/shell/cli"
)

func main() {
	// A run lasts milliseconds and keeps little alive: at Go's default pace
	// the collector starts at 4 MB of heap and a small plugin's packaging
	// pays for a few collections it does not need. Four times the room
	// skips them; a big plugin's memory stays bounded by the packager's
	// window. GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(cli.Main(os.Args[1:], cli.SystemStreams()))
}
