package marketplace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The pre-check workflow's version step, with --online: the marketplace
// must not have the version already, and (as the version-update check
// wants) it must be above the one published last.

func (c *checker) online(ctx context.Context) {
	if c.opts.Online == nil {
		c.skip(Version, "not asked: with --online the marketplace is asked whether this version is already published")
		return
	}
	author, name, version := c.fieldValue("author"), c.fieldValue("name"), c.fieldValue("version")
	if author == "" || name == "" || version == "" {
		c.skip(Version, "the manifest has no author, name or version to ask about")
		return
	}
	e := c.emit(Version)
	o := c.opts.Online
	base := strings.TrimRight(cmpOr(o.BaseURL, DefaultBaseURL), "/")
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	exists, err := versionExists(ctx, client, base, author, name, version)
	if err != nil {
		c.skip(Version, "the marketplace could not be asked: "+err.Error())
		return
	}
	if exists {
		e.block(c.fields.pos("version"), "version-published", "raise the version: dify plugin bump patch",
			fmt.Sprintf("plugin version %s by %s already exists in the marketplace", version, author))
		return
	}
	latest, err := latestVersion(ctx, client, base, author+"/"+name)
	if err != nil {
		c.skip(Version, "the marketplace's latest version could not be read: "+err.Error())
		return
	}
	if latest != "" && compareVersions(version, latest) <= 0 {
		e.block(c.fields.pos("version"), "version-not-newer", fmt.Sprintf("set a version above %s: dify plugin bump patch", latest),
			fmt.Sprintf("version update must increment manifest.yaml version: current %s, latest published %s", version, latest))
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// versionExists asks GET /api/v1/plugins/AUTHOR/NAME/VERSION, as the
// workflow does: taken when the answer is 200 with code 0.
func versionExists(ctx context.Context, client *http.Client, base, author, name, version string) (bool, error) {
	u := fmt.Sprintf("%s/api/v1/plugins/%s/%s/%s", base, url.PathEscape(author), url.PathEscape(name), url.PathEscape(version))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, nil
	}
	var body struct {
		Code *int `json:"code"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(data, &body) != nil {
		return false, nil
	}
	return body.Code != nil && *body.Code == 0, nil
}

// latestVersion asks POST /api/v1/plugins/batch for the plugin's latest
// version; "" when the marketplace does not know the plugin.
func latestVersion(ctx context.Context, client *http.Client, base, id string) (string, error) {
	payload, _ := json.Marshal(map[string][]string{"plugin_ids": {id}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/plugins/batch", bytes.NewReader(payload))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %s", req.URL, resp.Status)
	}
	var body struct {
		Data struct {
			Plugins []struct {
				LatestVersion string `json:"latest_version"`
			} `json:"plugins"`
		} `json:"data"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err := json.Unmarshal(data, &body); err != nil {
		return "", fmt.Errorf("%s answered something that is not JSON", req.URL)
	}
	if len(body.Data.Plugins) == 0 {
		return "", nil
	}
	return body.Data.Plugins[0].LatestVersion, nil
}

// compareVersions compares as the version-update check does: the numbers
// before any pre-release or build suffix, padded to three.
func compareVersions(a, b string) int {
	ka, kb := versionKey(a), versionKey(b)
	for i := range max(len(ka), len(kb)) {
		var x, y string
		if i < len(ka) {
			x = ka[i]
		}
		if i < len(kb) {
			y = kb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		switch {
		case ex == nil && ey == nil && nx != ny:
			if nx < ny {
				return -1
			}
			return 1
		case (ex != nil || ey != nil) && x != y:
			return strings.Compare(x, y)
		}
	}
	return 0
}

func versionKey(v string) []string {
	main, _, _ := strings.Cut(v, "-")
	main, _, _ = strings.Cut(main, "+")
	parts := strings.Split(main, ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	return parts
}
