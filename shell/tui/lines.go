package tui

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/internal/similar"
)

// askLines asks the questions one line at a time: plain text a screen
// reader reads in order, answered with plain lines. End of input cancels.
func askLines(in io.Reader, out io.Writer, qs []question) error {
	r := bufio.NewReader(in)
	readLine := func(prompt string) (string, error) {
		fmt.Fprint(out, prompt)
		line, err := r.ReadString('\n')
		if err != nil && (line == "" || err != io.EOF) {
			fmt.Fprintln(out)
			return "", ErrCancelled
		}
		return strings.TrimSpace(line), nil
	}
	for _, q := range qs {
		if q.isHidden() {
			continue
		}
		fmt.Fprintln(out, q.title)
		if h := q.helpText(); h != "" {
			for _, line := range strings.Split(h, "\n") {
				fmt.Fprintln(out, "  "+line)
			}
		}
		var err error
		switch {
		case q.text != nil:
			err = askText(q, readLine, out)
		case q.choice != nil:
			err = askChoice(q, readLine, out)
		case q.choices != nil:
			err = askChoices(q, readLine, out)
		default:
			err = askYes(q, readLine, out)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	return nil
}

type lineReader func(prompt string) (string, error)

func askText(q question, readLine lineReader, out io.Writer) error {
	prompt := "> "
	if *q.text != "" {
		prompt = fmt.Sprintf("[%s] > ", *q.text)
	}
	for {
		line, err := readLine(prompt)
		if err != nil {
			return err
		}
		if line == "" {
			line = *q.text
		}
		if err := q.check(line); err != nil {
			fmt.Fprintln(out, "  "+err.Error())
			continue
		}
		*q.text = line
		return nil
	}
}

func askChoice(q question, readLine lineReader, out io.Writer) error {
	opts := q.options()
	current := 0
	for i, o := range opts {
		fmt.Fprintf(out, "  %d. %s\n", i+1, o.label)
		if o.value == *q.choice {
			current = i
		}
	}
	for {
		line, err := readLine(fmt.Sprintf("Number or name [%s] > ", opts[current].value))
		if err != nil {
			return err
		}
		n := current
		if line != "" {
			if n = pick(opts, line); n < 0 {
				fmt.Fprintln(out, "  "+notAnOption(opts, line))
				continue
			}
		}
		if err := q.check(opts[n].value); err != nil {
			fmt.Fprintln(out, "  "+err.Error())
			continue
		}
		*q.choice = opts[n].value
		return nil
	}
}

// pick finds the option a line names: by number, or by value (any case);
// -1 when none.
func pick(opts []option, line string) int {
	if n, err := strconv.Atoi(line); err == nil {
		if n >= 1 && n <= len(opts) {
			return n - 1
		}
		return -1
	}
	for i, o := range opts {
		if strings.EqualFold(o.value, line) {
			return i
		}
	}
	return -1
}

func notAnOption(opts []option, line string) string {
	values := make([]string, len(opts))
	for i, o := range opts {
		values[i] = o.value
	}
	msg := fmt.Sprintf("%q is not one of the numbers 1 to %d or the names %s", line, len(opts), strings.Join(values, ", "))
	if c := similar.Closest(line, values); c != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", c)
	}
	return msg
}

func askChoices(q question, readLine lineReader, out io.Writer) error {
	opts := q.options()
	selected := make([]bool, len(opts))
	for i, o := range opts {
		selected[i] = o.selected || slices.Contains(*q.choices, o.value)
	}
	values := func() []string {
		var out []string
		for i, o := range opts {
			if selected[i] {
				out = append(out, o.value)
			}
		}
		return out
	}
	for {
		for i, o := range opts {
			mark := " "
			if selected[i] {
				mark = "x"
			}
			fmt.Fprintf(out, "  %d. [%s] %s\n", i+1, mark, o.label)
		}
		line, err := readLine("Numbers or names to select or unselect, separated by spaces; empty to accept > ")
		if err != nil {
			return err
		}
		if line == "" {
			if q.validateAll != nil {
				if err := q.validateAll(values()); err != nil {
					fmt.Fprintln(out, "  "+err.Error())
					continue
				}
			}
			break
		}
		for _, field := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == ',' }) {
			n := pick(opts, field)
			if n < 0 {
				fmt.Fprintln(out, "  "+notAnOption(opts, field))
				continue
			}
			selected[n] = !selected[n]
		}
	}
	*q.choices = values()
	return nil
}

func askYes(q question, readLine lineReader, out io.Writer) error {
	prompt := fmt.Sprintf("%s or %s? [Y/n] > ", q.affirm, strings.ToLower(q.deny))
	if !*q.yes {
		prompt = fmt.Sprintf("%s or %s? [y/N] > ", q.affirm, strings.ToLower(q.deny))
	}
	for {
		line, err := readLine(prompt)
		if err != nil {
			return err
		}
		switch strings.ToLower(line) {
		case "":
			return nil
		case "y", "yes":
			*q.yes = true
			return nil
		case "n", "no":
			*q.yes = false
			return nil
		}
		fmt.Fprintln(out, "  answer y or n")
	}
}
