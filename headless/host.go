package headless

// Runs of scenarios with Lua stories need the script host linked in:
// importing it sets scenario.NewDirector.
import _ "cyberex/engine/script/host"
