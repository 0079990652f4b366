// Package print writes to standard output and error: the purity test must
// catch each call.
package print

import "fmt"

func F(n int) string {
	fmt.Println("tick", n)
	fmt.Printf("tick %d\n", n)
	fmt.Print(n)
	println(n)
	print(n)
	return fmt.Sprint(n) // building a string is fine
}
