package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// apiTimeout bounds one call of the server's HTTP API.
const apiTimeout = 30 * time.Second

// apiFlags say which server to drive and with what token.
type apiFlags struct {
	server, token, data string
}

func newExerciseCmd(e *env) *cobra.Command {
	var f apiFlags
	c := &cobra.Command{
		Use:   "exercise",
		Short: "Drive a running exercise server: create, list, start, pause, stop, archive exercises; join codes",
		Long: `The white cell's commands for a server started with cyberex serve. They call
its HTTP API (docs/protocol.md#http-api) at --server with the admin token,
read from --token or from the admin-token file in the server's --data folder.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	pf := c.PersistentFlags()
	pf.StringVar(&f.server, "server", "http://127.0.0.1:8080", "the server's address")
	pf.StringVar(&f.token, "token", "", "the server's admin token (default: read from --data)")
	pf.StringVar(&f.data, "data", "cyberex-data", "the server's data folder, where its admin token is")
	act := func(use, short string) *cobra.Command {
		return &cobra.Command{Use: use + " EXERCISE", Short: short, Args: rangeArgs(1, 1, "an EXERCISE id (ex-N)"),
			RunE: func(c *cobra.Command, args []string) error {
				return f.call(e, http.MethodPost, "/api/v1/exercises/"+args[0]+"/"+use, nil)
			}}
	}
	var create struct {
		title string
		seed  uint64
		set   []string
	}
	createCmd := &cobra.Command{Use: "create [SCENARIO]", Short: "Create an exercise and print its join codes",
		Args: rangeArgs(0, 1, "at most one SCENARIO"),
		RunE: func(c *cobra.Command, args []string) error {
			scen := ""
			if len(args) == 1 {
				scen = args[0]
				if !strings.HasPrefix(scen, embeddedPrefix) {
					// The server loads it: give it a path it can open.
					if abs, err := filepath.Abs(scen); err == nil {
						scen = abs
					}
				}
			}
			return f.call(e, http.MethodPost, "/api/v1/exercises", map[string]any{"title": create.title, "scenario": scen, "seed": create.seed, "set": create.set})
		}}
	createCmd.Flags().StringVar(&create.title, "title", "", "the exercise's title")
	createCmd.Flags().Uint64Var(&create.seed, "seed", 1, "the run's seed")
	createCmd.Flags().StringArrayVar(&create.set, "set", nil, "override a value of scenario.yaml (repeatable)")
	var all bool
	listCmd := &cobra.Command{Use: "list", Short: "List the exercises and where they stand", Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			q := ""
			if all {
				q = "?all=1"
			}
			return f.call(e, http.MethodGet, "/api/v1/exercises"+q, nil)
		}}
	listCmd.Flags().BoolVar(&all, "all", false, "list archived exercises too")
	var code struct{ role, org, label string }
	codeCmd := &cobra.Command{Use: "code EXERCISE", Short: "Make one more join code (shown once)", Args: rangeArgs(1, 1, "an EXERCISE id"),
		RunE: func(c *cobra.Command, args []string) error {
			return f.call(e, http.MethodPost, "/api/v1/exercises/"+args[0]+"/codes", map[string]string{"role": code.role, "org": code.org, "label": code.label})
		}}
	codeCmd.Flags().StringVar(&code.role, "role", "team", "controller, observer or team")
	codeCmd.Flags().StringVar(&code.org, "org", "", "the organisation of a team code")
	codeCmd.Flags().StringVar(&code.label, "label", "", "a note of who it is for")
	get := func(use, path, short string) *cobra.Command {
		return &cobra.Command{Use: use + " EXERCISE", Short: short, Args: rangeArgs(1, 1, "an EXERCISE id"),
			RunE: func(c *cobra.Command, args []string) error {
				return f.call(e, http.MethodGet, "/api/v1/exercises/"+args[0]+path, nil)
			}}
	}
	c.AddCommand(createCmd, listCmd,
		get("show", "", "Show one exercise and where it stands"),
		act("start", "Start an exercise's clock (teams nobody joined go to their script)"),
		act("pause", "Pause an exercise's clock"),
		act("resume", "Resume an exercise's clock"),
		act("stop", "End an exercise (its journal gets its end)"),
		act("archive", "Stop serving an exercise; keep it for the report"),
		codeCmd,
		get("codes", "/codes", "List an exercise's join codes (ids, roles, revoked; never the codes)"),
		&cobra.Command{Use: "revoke CODE-ID", Short: "Revoke a join code; whoever joined with it is disconnected", Args: rangeArgs(1, 1, "a code id (code-N)"),
			RunE: func(c *cobra.Command, args []string) error {
				return f.call(e, http.MethodPost, "/api/v1/codes/"+args[0]+"/revoke", nil)
			}},
		get("notes", "/notes", "Print the evaluators' notes (JSON)"),
		get("chat", "/chat", "Print the teams' chat (JSON)"),
	)
	return c
}

// call sends one API request and prints the JSON answer.
func (f *apiFlags) call(e *env, method, path string, body any) error {
	token := f.token
	if token == "" {
		b, err := os.ReadFile(filepath.Join(f.data, "admin-token"))
		if err != nil {
			return inputErrorf("exercise: no --token, and the admin token could not be read from the data folder: %v", err)
		}
		token = strings.TrimSpace(string(b))
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return failure(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(f.server, "/")+path, rd)
	if err != nil {
		return inputErrorf("exercise: --server %q: %v", f.server, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: apiTimeout}).Do(req)
	if err != nil {
		return failure(fmt.Errorf("exercise: %w (is cyberex serve running at %s?)", err, f.server))
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return failure(err)
	}
	if resp.StatusCode >= 300 {
		var m struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(out, &m) == nil && m.Error != "" {
			return inputErrorf("exercise: %s", m.Error)
		}
		return inputErrorf("exercise: %s: %s", resp.Status, bytes.TrimSpace(out))
	}
	e.stdout.Write(out)
	return nil
}
