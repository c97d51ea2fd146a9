//go:build !unix

package pack

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
