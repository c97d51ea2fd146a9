package tui

import "github.com/dify-cli/dify/bundle"

// BundleForm asks for a bundle's name, author and description, pre-filled
// with p. p changes only when the user completes the form. target, when
// set, refuses a name whose directory cannot be created.
func BundleForm(opt Options, p *bundle.Profile, target func(name string) error) error {
	edited := *p
	if err := ask(opt, bundleQuestions(&edited, target)); err != nil {
		return err
	}
	*p = edited
	return nil
}

func bundleQuestions(p *bundle.Profile, target func(string) error) []question {
	checkName := func(name string) error {
		if err := bundle.CheckName(name); err != nil || target == nil {
			return err
		}
		return target(name)
	}
	return []question{
		{title: "Bundle name", help: fixed("Lower-case letters, digits, _ and -; also the bundle's directory name."), text: &p.Name, validate: checkName},
		{title: "Author", help: fixed("Your Dify Marketplace handle."), text: &p.Author, validate: bundle.CheckAuthor},
		{title: "Description", help: fixed("One line shown in Dify."), text: &p.Description, validate: bundle.CheckDescription},
	}
}
