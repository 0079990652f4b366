package journal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"cyberex/engine"
)

// commandLine is a command as a commands file holds it: no type, no id
// (the engine assigns ids when the file is run).
type commandLine struct {
	Tick   int32             `json:"tick"`
	Org    string            `json:"org"`
	Sender string            `json:"sender,omitempty"`
	Verb   string            `json:"verb"`
	Target string            `json:"target,omitempty"`
	Args   map[string]string `json:"args,omitempty"`
}

// WriteCommands writes commands as a commands file (ReadCommands reads it
// back): one JSON object per line, in the order given, each checked as
// the journal checks a command. A sender is written only when it is not
// the organisation itself.
func WriteCommands(w io.Writer, cmds []engine.Command) error {
	if len(cmds) > CommandsMax {
		return fmt.Errorf("%d commands: a commands file holds at most %d", len(cmds), CommandsMax)
	}
	bw := bufio.NewWriter(w)
	for i := range cmds {
		c := cmds[i]
		c.ID = 0
		if err := CheckCommand(&c); err != nil {
			return fmt.Errorf("command %d (tick %d, %s %s): %w", i+1, c.Tick, c.Org, c.Verb, err)
		}
		if c.Tick < 1 {
			return fmt.Errorf("command %d (%s %s): tick %d: commands are given from tick 1", i+1, c.Org, c.Verb, c.Tick)
		}
		sender := c.Sender
		if sender == c.Org {
			sender = ""
		}
		b, err := json.Marshal(commandLine{c.Tick, c.Org, sender, c.Verb, c.Target, c.Args})
		if err != nil {
			return err
		}
		if len(b) > LineBytesMax {
			return fmt.Errorf("command %d (tick %d, %s %s): longer than %d bytes", i+1, c.Tick, c.Org, c.Verb, LineBytesMax)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
