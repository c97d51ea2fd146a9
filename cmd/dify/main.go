// Command dify creates, runs, checks, packages and signs Dify plugins.
package main

import (
	"os"

	"github.com/dify-cli/dify/shell/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.SystemStreams()))
}
