//go:build !unix

package scenario

// openNoFollowNoBlock: the system has no such flags; FolderFS's checks
// before and after the open stand alone.
const openNoFollowNoBlock = 0
