package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cyberex/scenario"
	"cyberex/server"
	"cyberex/wire"
)

// shutdownWait bounds a clean shutdown (SIGTERM): HTTP requests in flight
// finish, every exercise's journal is closed.
const shutdownWait = 10 * time.Second

// serveFlags are the flags of `cyberex serve`.
type serveFlags struct {
	addr, data, web string
	title           string
	seed            uint64
	set             []string
	newExercise     bool
	tlsCert, tlsKey string
	logJSON         bool
}

func newServeCmd(e *env) *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve [SCENARIO]",
		Short: "Run exercises live for people over websockets",
		Long: `Start the exercise server. With an empty data folder (or --new) it starts an
exercise on SCENARIO (default: the built-in tutorial), waiting for the white
cell to start it, and prints a join link for the white cell, the observers
and each team. Give each person the link of their role: the browser client
served at the server's address opens it.

Everything is kept in --data: the catalogue (exercises, join codes as hashes,
notes, chat) and each exercise's journal. Started again with the same --data
after a crash or a stop, the server resumes every exercise, paused, at the
tick it had reached; clients reconnect by themselves.

The controller's other commands (cyberex exercise ...) drive the server's
HTTP API with the admin token kept in the data folder.`,
		Args: rangeArgs(0, 1, "at most one SCENARIO"),
		RunE: func(c *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			return serve(e, arg, &f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (0.0.0.0:8080 for every interface)")
	fl.StringVar(&f.data, "data", "cyberex-data", "folder of the catalogue and the journals")
	fl.StringVar(&f.web, "web", "", "folder of the browser client (default: web/ when present)")
	fl.StringVar(&f.title, "title", "", "title of the new exercise (default: the scenario's name)")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the new exercise")
	fl.StringArrayVar(&f.set, "set", nil, "override a value of scenario.yaml for the new exercise (repeatable)")
	fl.BoolVar(&f.newExercise, "new", false, "start a new exercise even when the data folder has running ones")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS and WSS with this certificate (PEM)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the certificate's private key (PEM)")
	fl.BoolVar(&f.logJSON, "log-json", false, "write logs as JSON lines (for a log collector)")
	return c
}

// serveLoader is how the server loads scenarios: folders become absolute
// so that a restart from another folder finds them.
func serveLoader(source string, set []string) (*scenario.Scenario, string, error) {
	if err := checkSet(set); err != nil {
		return nil, "", err
	}
	if source != "" && !strings.HasPrefix(source, embeddedPrefix) {
		if abs, err := filepath.Abs(source); err == nil {
			source = abs
		}
	}
	l, err := loadForRun(source, set)
	if err != nil {
		return nil, "", err
	}
	return l.s, l.source, nil
}

func serve(e *env, arg string, f *serveFlags) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return inputErrorf("serve: --tls-cert and --tls-key go together")
	}
	if err := checkSet(f.set); err != nil {
		return err
	}
	web := f.web
	if web == "" {
		if fi, err := os.Stat("web"); err == nil && fi.IsDir() {
			web = "web"
		}
	}
	var h slog.Handler = slog.NewTextHandler(e.stderr, nil)
	if f.logJSON {
		h = slog.NewJSONHandler(e.stderr, nil)
	}
	log := slog.New(h)
	srv, err := server.New(server.Options{DataDir: f.data, WebDir: web, Load: serveLoader,
		Version: programVersion(debug.ReadBuildInfo()), Logger: log})
	if err != nil {
		return inputErrorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		srv.Close()
		return inputErrorf("serve: listen on %s: %w", f.addr, err)
	}
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	base := scheme + "://" + displayAddr(ln.Addr().String())
	exs, err := srv.Exercises()
	if err != nil {
		ln.Close()
		srv.Close()
		return failure(err)
	}
	if len(exs) == 0 || f.newExercise || arg != "" && !anyRuns(exs, arg) {
		created, err := srv.Exercise(server.NewExercise{Title: f.title, Scenario: arg, Set: f.set, Seed: f.seed})
		if err != nil {
			ln.Close()
			srv.Close()
			return inputErrorf("serve: %w", err)
		}
		printLinks(e, base, created)
	}
	for _, ex := range exs {
		fmt.Fprintf(e.stdout, "exercise %s (%s) resumed, paused at tick %d: its join links are the ones printed when it was created; new ones: cyberex exercise code %s --role team --org ORG --data %s\n",
			ex.ID, ex.Title, ex.Tick, ex.ID, f.data)
	}
	fmt.Fprintf(e.stdout, "\nserving on %s (websocket %s%s, metrics %s/metrics); Ctrl-C stops, and the exercises resume when started again\n",
		base, strings.Replace(base, "http", "ws", 1), wire.Path, base)
	if web == "" {
		fmt.Fprintln(e.stdout, "no browser client (web/ not found): build it with make web, or pass --web DIR")
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(h, slog.LevelWarn)}
	done := make(chan error, 1)
	go func() {
		if f.tlsCert != "" {
			done <- hs.ServeTLS(ln, f.tlsCert, f.tlsKey)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	ctx, stop := interruptible(e)
	defer stop()
	select {
	case err := <-done:
		srv.Close()
		return failure(fmt.Errorf("serve: %w", err))
	case <-ctx.Done():
	}
	log.Info("stopping", "signal", interrupted(ctx))
	sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	herr := hs.Shutdown(sctx)
	cerr := srv.Close()
	if err := errors.Join(herr, cerr); err != nil {
		return failure(fmt.Errorf("serve: shutdown: %w", err))
	}
	return nil
}

func anyRuns(exs []server.Summary, scenario string) bool {
	for _, ex := range exs {
		if strings.HasSuffix(ex.Scenario, strings.TrimSuffix(filepath.ToSlash(scenario), "/")) {
			return true
		}
	}
	return false
}

// displayAddr makes a listening address into one a browser can open.
func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	}
	return net.JoinHostPort(host, port)
}

// printLinks prints one join link per code, the white cell's first.
func printLinks(e *env, base string, c *server.Created) {
	fmt.Fprintf(e.stdout, "exercise %s: %s (scenario %s, seed %d), waiting for the white cell to start it\n\n",
		c.Exercise.ID, c.Exercise.Title, c.Exercise.Scenario, c.Exercise.Seed)
	for _, code := range c.Codes {
		who := code.Role
		if code.Org != "" {
			who += " " + code.Org
		}
		fmt.Fprintf(e.stdout, "  %-24s %s/?code=%s\n", who, base, code.Code)
	}
	fmt.Fprintln(e.stdout, "\nThe codes are shown once (the server keeps only their hashes). Teams nobody joins are played by their script.")
}
