package tui

import "github.com/dify-cli/dify/bundle"

// BundleForm asks for a bundle's name, author and description, pre-filled
// with p. p changes only when the user completes the form.
func BundleForm(opt Options, p *bundle.Profile) error {
	edited := *p
	if err := ask(opt, bundleQuestions(&edited)); err != nil {
		return err
	}
	*p = edited
	return nil
}

func bundleQuestions(p *bundle.Profile) []question {
	return []question{
		{title: "Bundle name", help: fixed("Lower-case letters, digits, _ and -."), text: &p.Name, validate: bundle.CheckName},
		{title: "Author", help: fixed("Your Dify Marketplace handle."), text: &p.Author, validate: bundle.CheckAuthor},
		{title: "Description", help: fixed("One line shown in Dify."), text: &p.Description, validate: bundle.CheckDescription},
	}
}
