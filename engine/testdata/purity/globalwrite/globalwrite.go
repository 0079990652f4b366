// Package globalwrite keeps state outside the world: the purity test must
// catch each write.
package globalwrite

type config struct{ Limit int }

var (
	count  int
	cfg    config
	seen   = map[string]bool{}
	list   []int
	holder *config
	ok     = 3 // an initialiser is not a write
)

func init() { count = 1 } // init may set up tables

func F(s string) int {
	count++
	cfg.Limit = 5
	seen[s] = true
	list = append(list, 1)
	*holder = config{}
	p := &count
	for count = range 3 {
	}
	local := 0
	local++
	return *p + local + ok
}
