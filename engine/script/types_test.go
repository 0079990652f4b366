package script

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"testing"
)

// scripts/types/cyberex.lua annotates every global the director registers
// (and nothing else), so that editors complete what exists.
func TestAnnotationsCoverTheAPI(t *testing.T) {
	src, err := os.ReadFile("../../scripts/types/cyberex.lua")
	if err != nil {
		t.Fatal(err)
	}
	var annotated []string
	for _, m := range regexp.MustCompile(`(?m)^function ([A-Za-z_][A-Za-z0-9_]*)\(`).FindAllSubmatch(src, -1) {
		annotated = append(annotated, string(m[1]))
	}
	sort.Strings(annotated)
	api := APIGlobals()
	for _, name := range api {
		if !slices.Contains(annotated, name) {
			t.Errorf("global %s is not annotated in scripts/types/cyberex.lua", name)
		}
	}
	for _, name := range annotated {
		if !slices.Contains(api, name) {
			t.Errorf("scripts/types/cyberex.lua annotates %s, which the API does not register", name)
		}
	}
	// Each annotated function has a description and its parameters typed.
	fnRE := regexp.MustCompile(`(?m)((?:^---.*\n)*)^function ([A-Za-z_:.]+)\(([^)]*)\)`)
	for _, m := range fnRE.FindAllSubmatch(src, -1) {
		doc, name, params := string(m[1]), string(m[2]), string(m[3])
		if doc == "" {
			t.Errorf("%s has no annotation", name)
			continue
		}
		for _, p := range regexp.MustCompile(`[A-Za-z_.]+`).FindAllString(params, -1) {
			if p == "..." {
				continue
			}
			if !regexp.MustCompile(`---@param ` + regexp.QuoteMeta(p) + `\??\s`).MatchString(doc) {
				t.Errorf("%s: parameter %s has no ---@param", name, p)
			}
		}
	}
	// The campaign methods too.
	for name := range (&Director{s: &State{}}).campaignMethodFuncs() {
		if !regexp.MustCompile(`(?m)^function Campaign:` + name + `\(`).Match(src) {
			t.Errorf("campaign method %s is not annotated", name)
		}
	}
}

// The editor configuration points at the annotations.
func TestLuarcPointsAtTheAnnotations(t *testing.T) {
	b, err := os.ReadFile("../../.luarc.json")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"workspace\.library":\s*\[[^\]]*"scripts/types"`).Match(b) {
		t.Errorf(".luarc.json does not list scripts/types:\n%s", b)
	}
}
