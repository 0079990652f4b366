package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// chromiumNames are the programs PrintPDF looks for on the PATH.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// printTimeout bounds one Chromium run: a report renders in seconds.
const printTimeout = 2 * time.Minute

// Chromium returns the path of a headless-capable Chromium, or "" when
// none is installed.
func Chromium() string {
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// ChromiumArgs are the flags every headless Chromium run of ours uses: no
// sandbox (CI runs as root), no GPU, no network of its own.
func ChromiumArgs() []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-extensions", "--no-first-run", "--hide-scrollbars"}
}

// PrintPDF prints an HTML page to a PDF file through headless Chromium.
func PrintPDF(html []byte, out string) error {
	bin := Chromium()
	if bin == "" {
		return errors.New("--format pdf needs a headless Chromium (chromium, chromium-browser or google-chrome) on the PATH: install one, or write HTML and print it from a browser")
	}
	dir, err := os.MkdirTemp("", "cyberex-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
	defer cancel()
	args := append(ChromiumArgs(), "--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer",
		"--print-to-pdf="+abs, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s failed: %v\n%s", bin, err, tail(msg, 2000))
	}
	fi, err := os.Stat(abs)
	if err != nil || fi.Size() == 0 {
		return fmt.Errorf("%s wrote no PDF to %s", bin, out)
	}
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
