package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// chromium returns the browser, or skips the test where none is
// installed, unless CYBEREX_REQUIRE_CHROMIUM is set (make test sets it:
// make deps installs chromium, so CI never skips these).
func chromium(t *testing.T) string {
	if testing.Short() {
		t.Skip("starting a browser: not with -short")
	}
	bin := Chromium()
	if bin == "" {
		if os.Getenv("CYBEREX_REQUIRE_CHROMIUM") != "" {
			t.Fatal("no chromium on the PATH, and CYBEREX_REQUIRE_CHROMIUM is set (make deps installs it)")
		}
		t.Skip("no chromium on the PATH")
	}
	return bin
}

// TestReportRendersInChromium opens the report in headless Chromium,
// takes a screenshot and checks that the pictures were drawn: the colours
// of the timeline's marks, the ratings and the charts' lines are on it.
// CYBEREX_SCREENSHOTS=DIR keeps the screenshot there to look at.
func TestReportRendersInChromium(t *testing.T) {
	bin := chromium(t)
	s, j := runJournal(t, "tutorial", 1, "commands.jsonl")
	html := reportHTML(t, s, j, readNotes(t, "testdata/tutorial-notes.jsonl"))
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(ChromiumArgs(), "--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1100,4200", "--screenshot="+shot, "file://"+page)
	if out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, tail(out, 2000))
	}
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("CYBEREX_SCREENSHOTS"); d != "" {
		_ = os.WriteFile(filepath.Join(d, "report-tutorial.png"), b, 0o644)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Colours only the pictures (and the rating badges) use, from report.css.
	want := []struct {
		name    string
		r, g, b uint32
	}{
		{"injects on the timeline", 0xff, 0x98, 0x00},
		{"detections on the timeline", 0x8e, 0x24, 0xaa},
		{"reports shared on the timeline", 0x00, 0x89, 0x7b},
		{"the P rating and met objectives", 0x2e, 0x7d, 0x32},
		{"lines of the charts", 0x1f, 0x77, 0xb4},
		{"preserved evidence", 0x66, 0xbb, 0x6a},
		{"lost evidence", 0xc6, 0x28, 0x28},
		{"evaluators' notes", 0xfd, 0xd8, 0x35},
	}
	count := make([]int, len(want))
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			for i, w := range want {
				if near(r>>8, w.r) && near(g>>8, w.g) && near(bl>>8, w.b) {
					count[i]++
				}
			}
		}
	}
	for i, w := range want {
		if count[i] < 20 {
			t.Errorf("%s: %d pixels of #%02x%02x%02x on the screenshot, want 20 or more: the pictures did not render", w.name, count[i], w.r, w.g, w.b)
		}
	}
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }

// TestPrintPDF prints the report through Chromium: a PDF of several A4
// pages.
func TestPrintPDF(t *testing.T) {
	chromium(t)
	s, j := runJournal(t, "tutorial", 1, "commands.jsonl")
	html := reportHTML(t, s, j, nil)
	out := filepath.Join(t.TempDir(), "report.pdf")
	if err := PrintPDF(html, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF: %.20q", out, b)
	}
	m := regexp.MustCompile(`/Count (\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s has no page tree", out)
	}
	if n, _ := strconv.Atoi(string(m[1])); n < 3 {
		t.Errorf("%s has %d pages, want the report's sections over 3 or more A4 pages", out, n)
	}
	if os.Getenv("CYBEREX_SCREENSHOTS") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("CYBEREX_SCREENSHOTS"), "report-tutorial.pdf"), b, 0o644)
	}
}
