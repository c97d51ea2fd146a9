package cli

import (
	"github.com/dify-cli/dify/scaffold"
	"github.com/dify-cli/dify/shell/tui"
)

// promptInit asks for the init options in a form on the terminal.
func promptInit(s *Streams, o *scaffold.Options, in tui.Init) error {
	err := tui.InitForm(s.tuiOptions(), o, in)
	if err == tui.ErrCancelled {
		return errCancelled
	}
	return err
}

// tuiOptions says where forms read and draw: stdin and stderr, line-based
// when TERM=dumb or ACCESSIBLE is set.
func (s *Streams) tuiOptions() tui.Options {
	return tui.Options{In: s.In, Out: s.Err, Width: s.ErrWidth, Accessible: s.getenv("TERM") == "dumb" || s.getenv("ACCESSIBLE") != ""}
}
