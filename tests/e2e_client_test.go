//go:build unix

package tests

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"cyberex/wire"
)

// The visual client, seen as a person sees it: the desktop client under
// Xvfb and the browser client in headless Chromium join a live `cyberex
// serve` with the codes it printed, play a command, and show the
// engine's verdict on screen. Each saves screenshots; with CYBEREX_SHOTS
// set to a folder they are kept there (docs/img is made that way).
//
// `make deps` installs Xvfb, Chromium and the X11/GL headers ebiten needs;
// without them these tests skip and say so.

// shotsDir is where screenshots go: CYBEREX_SHOTS (relative to the
// repository's root), or a temporary folder.
func shotsDir(t *testing.T) string {
	if d := os.Getenv("CYBEREX_SHOTS"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join("..", d)
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return t.TempDir()
}

// need skips the test when a tool is not installed.
func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed (make deps installs it): the client's screenshot test cannot run", tool)
	}
	return p
}

// goBuild builds a package of the module into dir with extra environment.
func goBuild(t *testing.T, root, out, pkg string, env ...string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// checkShot opens a screenshot and checks it is a whole, drawn screen: the
// expected size, and many colours (not a blank or black window).
func checkShot(t *testing.T, path string, w, h int) {
	t.Helper()
	img := readShot(t, path)
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("screenshot %s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
	if n := colours(img); n < 8 {
		t.Errorf("screenshot %s has %d colours: nothing drawn", path, n)
	}
}

func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// playClient runs the desktop client under Xvfb with an autoplay script.
func playClient(t *testing.T, client, link, script string) string {
	t.Helper()
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", client, "--code", link, "--play", script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := runWithin(t, cmd, 3*time.Minute); err != nil {
		t.Fatalf("client: %v\n%s", err, out.String())
	}
	return out.String()
}

// runWithin runs cmd, killing it if it has not finished within limit.
func runWithin(t *testing.T, cmd *exec.Cmd, limit time.Duration) error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		cmd.Process.Kill()
		return fmt.Errorf("did not finish in %s", limit)
	}
}

func TestDesktopClientUnderXvfb(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Xvfb test runs on Linux")
	}
	need(t, "xvfb-run")
	root, bin := build(t)
	client := filepath.Join(t.TempDir(), "cyberex-client")
	goBuild(t, root, client, "./cmd/cyberex-client", "CGO_ENABLED=1")
	shots := shotsDir(t)

	addr := freeAddr(t)
	srv := startServe(t, bin, t.TempDir(), addr)
	link := func(who string) string { return "http://" + addr + "/?code=" + srv.links[who] }

	// The white cell starts the exercise; its console shows the whole
	// world, the objectives and the key figures.
	ctl := filepath.Join(shots, "controller.png")
	playClient(t, client, link("controller"), "wait view; control start; wait notice; wait tick 3; wait frames 10; shot "+ctl+"; quit")
	checkShot(t, ctl, 1280, 800)
	fast(t, addr, srv.links["controller"])

	// The ministry's team selects its defaced website, investigates, and
	// reads the engine's verdict under the selection.
	before := filepath.Join(t.TempDir(), "team-select.png")
	after := filepath.Join(shots, "team-verdict.png")
	log := playClient(t, client, link("ministry-a"),
		"wait view; wait tick 130; select ministry-site; wait frames 5; shot "+before+"; action investigate; wait notice; wait text accepted; wait frames 5; shot "+after+"; quit")
	if !strings.Contains(log, "wait text accepted") {
		t.Errorf("the verdict was not seen:\n%s", log)
	}
	checkShot(t, before, 1280, 800)
	checkShot(t, after, 1280, 800)

	// The white cell looks back at tick 60 (the map and the panels show
	// the world then), back to live, then forks a branch at tick 100 where
	// the ministry restores its website as soon as it is defaced, and reads
	// it beside the exercise now.
	past := filepath.Join(shots, "whatif-past.png")
	branch := filepath.Join(shots, "whatif-branch.png")
	log = playClient(t, client, link("controller"),
		"wait view; wait tick 200; tab 8; action jump; type 60; key enter; wait text showing tick 60; wait frames 5; shot "+past+
			"; wait frames 3; action live; action branch; type 100; key tab; type 125 ministry-a restore ministry-site; key tab; key tab; key tab; key tab; type restore-at-once; key enter; wait text branch restore-at-once ran; wait frames 5; shot "+branch+"; quit")
	for _, want := range []string{"wait text showing tick 60", "wait text branch restore-at-once ran"} {
		if !strings.Contains(log, want) {
			t.Errorf("the console did not show %q:\n%s", want, log)
		}
	}
	checkShot(t, past, 1280, 800)
	checkShot(t, branch, 1280, 800)

	// High contrast, for the README.
	hc := filepath.Join(shots, "team-high-contrast.png")
	playClient(t, client, link("ministry-a"), "wait view; contrast; select ministry-site; tab 2; wait frames 5; shot "+hc+"; quit")
	checkShot(t, hc, 1280, 800)
}

// TestBrowserClientInChromium builds the WebAssembly client as `make web`
// does, serves it with `cyberex serve --web`, and opens the team's join
// link in headless Chromium: the page joins with the code from its
// address, plays a command (an autoplay script in the address), and the
// verdict shows on the page (its title) and in a screenshot.
func TestBrowserClientInChromium(t *testing.T) {
	chromium := need(t, "chromium")
	root, bin := build(t)
	web := t.TempDir()
	goBuild(t, root, filepath.Join(web, "cyberex-client.wasm"), "./cmd/cyberex-client", "GOOS=js", "GOARCH=wasm")
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"), filepath.Join(web, "wasm_exec.js"))
	copyFile(t, filepath.Join(root, "client", "web", "index.html"), filepath.Join(web, "index.html"))
	shots := shotsDir(t)

	addr := freeAddr(t)
	srv := startServe(t, bin, t.TempDir(), addr, "--web", web)
	// The exercise must run for the verdict to come: the white cell
	// starts it over the protocol.
	c := join(t, addr, srv.links["controller"])
	c.send(t, &wire.Control{Ref: 1, Action: wire.ControlStart})
	fast(t, addr, srv.links["controller"])

	script := "wait view; select ministry-site; action investigate; wait notice; wait text accepted; wait frames 10"
	page := "http://" + addr + "/?code=" + srv.links["ministry-a"] + "&play=" + url.QueryEscape(script)
	browse := func(args ...string) string {
		cmd := exec.Command(chromium, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--user-data-dir=" + t.TempDir(), "--window-size=1280,800", "--virtual-time-budget=60000"}, append(args, page)...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := runWithin(t, cmd, 4*time.Minute); err != nil {
			t.Fatalf("chromium: %v\n%s", err, errb.String())
		}
		return out.String()
	}
	dom := browse("--dump-dom")
	if !strings.Contains(dom, "investigate ministry-site accepted") {
		t.Fatalf("the page does not show the verdict; its DOM:\n%s", dom)
	}
	// Headless Chromium takes its screenshot when the virtual time budget
	// runs out, which it does not hold back for compiling a 19 MB module:
	// on a busy machine the capture can come before the client's first
	// frame (a page of one colour). The verdict above shows the client
	// ran; a blank capture is tried again, twice at most.
	shot := filepath.Join(shots, "browser.png")
	for try := 1; ; try++ {
		browse("--screenshot=" + shot)
		if n := colours(readShot(t, shot)); n >= 8 || try == 3 {
			break
		} else {
			t.Logf("screenshot %d has %d colours (captured before the first frame); again", try, n)
		}
	}
	checkShot(t, shot, 1280, 800)
}

func readShot(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	return img
}

// fast sets the exercise's pace to 50 ticks a second over the protocol,
// so the story reaches its first attack in seconds.
func fast(t *testing.T, addr, code string) {
	t.Helper()
	c := join(t, addr, code)
	c.send(t, &wire.Control{Ref: 9, Action: wire.ControlPace, MillisPerTick: 20})
	c.wait(t, func() bool { return len(c.acks) > 0 })
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The headless program and the server build without cgo and never link
// the client's graphics: ebiten and the client's packages stay out of
// cmd/cyberex's dependencies.
func TestHeadlessProgramHasNoClient(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./cmd/cyberex")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "ebiten") || strings.HasPrefix(p, "cyberex/client") {
			t.Errorf("cmd/cyberex depends on %s", p)
		}
	}
}
