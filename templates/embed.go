// Package templates holds the files `dify plugin init` renders into a new
// plugin. Files ending in .tmpl are text/template templates fed a
// scaffold.Data; NAME in a path becomes the plugin's name; other files are
// copied as they are. `all:` keeps dotfiles such as .difyignore.
package templates

import "embed"

// FS is the template tree: python/<part>/..., icons/<kind>-<light|dark>.svg and
// ci/<provider>.yml, the CI workflows.
//
//go:embed all:python icons ci
var FS embed.FS
