//go:build !unix

package hostile

import (
	"errors"
	"os"
)

// Where there are no named pipes and no resource usage (js/wasm, where
// `make cross-arch` runs only TestStateHashes under Node), the cases that
// need them skip (FIFO) or see no memory figure.

func mkfifo(string) error { return errors.New("named pipes are not available on this system") }

func maxRSS(*os.ProcessState) int64 { return 0 }
