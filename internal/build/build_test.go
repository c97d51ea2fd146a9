package build

import (
	"runtime/debug"
	"testing"
)

func TestPEP440(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3":                               "1.2.3",
		"1.2.3":                                "1.2.3",
		"v0.4.0":                               "0.4.0",
		"v1.3.0-rc.1":                          "1.3.0rc1",
		"v1.3.0-rc1":                           "1.3.0rc1",
		"v1.3.0-beta.2":                        "1.3.0b2",
		"v1.3.0-alpha":                         "1.3.0a0",
		"v1.2.4-SNAPSHOT":                      "1.2.4.dev0+SNAPSHOT",
		"v1.2.3+dirty":                         "1.2.3+dirty",
		"(devel)":                              "0.0.0.dev0",
		"":                                     "0.0.0.dev0",
		"REPLACE_ME":                           "0.0.0.dev0",
		"v0.0.0-20261121104200-abcdef123456":   "0.0.0.dev20261121104200+abcdef123456",
		"v1.2.4-0.20261121104200-abcdef123456": "1.2.4.dev20261121104200+abcdef123456",
		"v1.3.0-rc.1.0.20261121104200-abcdef123456": "1.3.0rc1.dev20261121104200+abcdef123456",
		"v0.0.0-20261121104200-abcdef123456+dirty":  "0.0.0.dev20261121104200+abcdef123456.dirty",
		"v1.2.4-next+20261121.abc":                  "1.2.4.dev0+next.20261121.abc",
	} {
		if got := PEP440(in); got != want {
			t.Errorf("PEP440(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLdflagsWinOverBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "v9.9.9"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "fromvcs"}, {Key: "vcs.time", Value: "2020-01-01T00:00:00Z"}}}
	got := fromBuildInfo("v1.2.3", "abc123", "2026-11-21T00:00:00Z", bi)
	want := Info{Version: "1.2.3", Commit: "abc123", Date: "2026-11-21T00:00:00Z", GoVersion: "go1.26"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestBuildInfoFallback(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "v0.3.1"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "deadbeef"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := fromBuildInfo("", "", "", bi)
	want := Info{Version: "0.3.1", Commit: "deadbeef", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26", Modified: true}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// The SDK's harness parses `dify version` as one PEP 440 version and refuses
// anything below 0.1.0, so builds without a release version report Floor.
func TestSourceBuildsReportTheFloor(t *testing.T) {
	for _, c := range []struct {
		version string
		vcs     []debug.BuildSetting
		want    string
	}{
		{"(devel)", nil, "0.1.0+dev"},
		{"", nil, "0.1.0+dev"},
		{"(devel)", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}}, "0.1.0+dev.g0123456789ab"},
		{"(devel)", []debug.BuildSetting{{Key: "vcs.revision", Value: "ABCDEF"}, {Key: "vcs.modified", Value: "true"}}, "0.1.0+dev.gabcdef.dirty"},
		{"v0.0.0-20261121104200-abcdef123456", nil, "0.1.0+dev"},
		{"v0.2.1-0.20261121104200-abcdef123456", nil, "0.2.1.dev20261121104200+abcdef123456"},
	} {
		got := fromBuildInfo("", "", "", &debug.BuildInfo{Main: debug.Module{Version: c.version}, Settings: c.vcs})
		if got.Version != c.want {
			t.Errorf("%q with %v reports %q, want %q", c.version, c.vcs, got.Version, c.want)
		}
	}
}
