package cli

import (
	"github.com/dify-cli/dify/internal/tui"
	"github.com/dify-cli/dify/scaffold"
)

// promptInit asks for the init options in a form on the terminal.
func promptInit(s *Streams, o *scaffold.Options, given askedFields, confirm bool) error {
	err := tui.InitForm(tui.Options{In: s.In, Out: s.Err, Accessible: s.getenv("TERM") == "dumb" || s.getenv("ACCESSIBLE") != ""},
		o, tui.Skip(given), confirm)
	if err == tui.ErrCancelled {
		return errCancelled
	}
	return err
}
