package cli

import (
	"encoding/json"
	"errors"
	"io"

	"cyberex/engine/script"
	"cyberex/scenario"
)

// jsonError is what `run --json` prints when the run fails: a program
// reading stdout gets one JSON object either way, and finds where the
// scenario went wrong without parsing stderr.
type jsonError struct {
	Error jsonProblem `json:"error"`
}

type jsonProblem struct {
	File     string        `json:"file,omitempty"`
	Line     int           `json:"line,omitempty"`
	Col      int           `json:"col,omitempty"`
	Tick     *int64        `json:"tick"` // null outside a tick (at load)
	Message  string        `json:"message"`
	Problems []jsonProblem `json:"problems,omitempty"`
}

// jsonFailure prints err as a jsonError on out, when it is the input's
// fault (exit 2: a bad scenario, a script error), and returns it for the
// usual message on stderr. Other failures keep stdout empty.
func jsonFailure(out io.Writer, err error) error {
	var ee *exitError
	if err == nil || !errors.As(err, &ee) || ee.code != ExitInput || ee.err == nil {
		return err
	}
	j := jsonError{Error: jsonProblem{Message: ee.err.Error()}}
	var se *script.Error
	var sc scenario.Errors
	switch {
	case errors.As(err, &se):
		j.Error = jsonProblem{File: se.File, Line: se.Line, Col: se.Col, Message: se.Msg}
		if se.Tick != script.NoTick {
			t := se.Tick
			j.Error.Tick = &t
		}
	case errors.As(err, &sc) && len(sc) > 0:
		j.Error = jsonProblem{File: sc[0].File, Line: sc[0].Line, Col: sc[0].Col, Message: sc[0].Msg}
		for _, p := range sc {
			j.Error.Problems = append(j.Error.Problems, jsonProblem{File: p.File, Line: p.Line, Col: p.Col, Message: p.Msg})
		}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if werr := enc.Encode(j); werr != nil {
		return failure(werr)
	}
	return err
}
