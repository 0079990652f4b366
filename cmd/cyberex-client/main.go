// Command cyberex-client is the visual client of a live exercise: it
// joins with the code from the controller's link and plays one
// organisation (or runs the white cell, or observes). The same program
// runs on the desktop and, built for js/wasm, in the browser page that
// `cyberex serve` serves.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"cyberex/client/autoplay"
	"cyberex/client/link"
	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/client/screen"
	"cyberex/client/ui"
)

// config is what the program needs to start: flags on the desktop, the
// page's address in the browser.
type config struct {
	url, code    string
	play         string // an autoplay script, or ""
	width        int
	height       int
	highContrast bool
	onFrame      func(m *model.Model)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cyberex-client:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := getConfig()
	if err != nil {
		return err
	}
	m := model.New(locale.English)
	if cfg.highContrast {
		m.ToggleContrast()
	}
	u := ui.New(m, cfg.width, cfg.height)
	l := link.Dial(cfg.url, cfg.code)
	defer l.Close()
	g, err := screen.New(u, l)
	if err != nil {
		return err
	}
	g.OnFrame = cfg.onFrame
	var player *autoplay.Player
	if cfg.play != "" {
		if player, err = autoplay.Parse(cfg.play); err != nil {
			return err
		}
		player.Log = func(s string) { fmt.Fprintln(os.Stderr, "autoplay:", s) }
		g.Auto = player
	}
	ebiten.SetWindowSize(cfg.width, cfg.height)
	ebiten.SetWindowTitle(m.Text.T(locale.KeyTitle))
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, screen.ErrDone) {
		return err
	}
	if player != nil && player.Err != nil {
		return player.Err
	}
	return nil
}
