//go:build unix

package scenario

import "syscall"

// openNoFollowNoBlock: open neither follows a final symbolic link nor
// waits for a named pipe's writer.
const openNoFollowNoBlock = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
