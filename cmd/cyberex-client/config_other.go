//go:build !js

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

func getConfig() (config, error) {
	var c config
	fs := flag.NewFlagSet("cyberex-client", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "ws://127.0.0.1:8080/ws", "the exercise server's websocket address")
	fs.StringVar(&c.code, "code", "", "the join code from the controller's link (or a join link: http://HOST:PORT/?code=CODE)")
	fs.StringVar(&c.play, "play", "", "play an autoplay script (a file, or steps separated by ';') and exit: tests and screenshots")
	fs.IntVar(&c.width, "width", 1280, "window width in pixels")
	fs.IntVar(&c.height, "height", 800, "window height in pixels")
	fs.BoolVar(&c.highContrast, "high-contrast", false, "start in the high-contrast theme (H switches)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return c, err
	}
	if c.code == "" {
		return c, errors.New("--code is required: the join code from the controller's link")
	}
	// A whole join link works too: take the server and code from it.
	if u, code, ok := fromLink(c.code); ok {
		c.url, c.code = u, code
	}
	if c.play != "" && !strings.Contains(c.play, ";") && !strings.Contains(c.play, "\n") {
		b, err := os.ReadFile(c.play)
		if err != nil {
			return c, fmt.Errorf("--play: %w", err)
		}
		c.play = string(b)
	}
	if c.width < 640 || c.height < 480 {
		return c, errors.New("--width and --height: at least 640×480")
	}
	return c, nil
}
