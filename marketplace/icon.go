package marketplace

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// The pre-check workflow's icon step: the icon the manifest names must be
// a file under _assets/, must not carry the template marker, and must not
// be the template's default drawing (compared with all whitespace removed).

// TemplateIconMarker is the text the pre-check workflow refuses in an icon.
// Icons made by `dify plugin init` carry it too, so an icon nobody replaced
// is refused here and by the marketplace alike.
const TemplateIconMarker = "DIFY_MARKETPLACE_TEMPLATE_ICON_DO_NOT_USE"

func squeeze(b []byte) []byte {
	return bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, b)
}

func (c *checker) icon() {
	e := c.emit(Icon)
	if c.fields == nil {
		return // the manifest check said why
	}
	c.oneIcon(e, "icon", true)
	if c.fields.root != nil {
		if dark := yqString(c.fields.root, []string{"icon_dark"}); dark != "" {
			c.oneIcon(e, "icon_dark", false)
		}
	}
}

func (c *checker) oneIcon(e emit, key string, required bool) {
	icon := yqString(c.fields.root, []string{key})
	if icon == "" {
		icon = "null" // what yq prints, and so what the workflow looks for
	}
	file := path.Join("_assets", icon)
	report := e.block
	if !required {
		report = e.warn
	}
	if !c.t.has(file) {
		if required {
			report(c.fields.pos(key), "icon-missing", fmt.Sprintf("put the icon at %s: the marketplace looks for it under _assets/", file),
				"plugin icon file not found: "+file)
		}
		return
	}
	data, _ := c.t.read(file, 4<<20)
	switch {
	case bytes.Contains(data, []byte(TemplateIconMarker)):
		report(at(file, 0), "icon-template", fmt.Sprintf("replace %s with the plugin's own icon (the template's carries %s)", file, TemplateIconMarker),
			fmt.Sprintf("plugin %s is the template icon; change it before submitting to the marketplace", strings.ReplaceAll(key, "_", " ")))
	case string(squeeze(data)) == squeezeDefault():
		report(at(file, 0), "icon-template", "draw the plugin's own icon", "plugin icon is using the default template icon and must be customized")
	}
}

func squeezeDefault() string { return string(squeeze([]byte(defaultIconRaw))) }

// defaultIconRaw is the workflow's text of the default drawing.
const defaultIconRaw = `<svg width="100" height="100" xmlns="http://www.w3.org/2000/svg">
  <path d="M20 20 V80 M20 20 H60 Q80 20 80 40 T60 60 H20"
        fill="none"
        stroke="black"
        stroke-width="5"/>
</svg>`
