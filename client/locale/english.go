package locale

// The keys, grouped by where the text appears. Add a key here and its
// English text below; the test fails on an empty entry.
const (
	KeyTitle Key = iota
	KeyClockYours
	KeyDurSeconds
	KeyDurMinutes
	KeyDurHours
	KeyDurHoursMinutes
	KeyDurDays
	KeyDurDaysHours

	// Top bar.
	KeyTick
	KeyPaused
	KeyRunning
	KeyEnded
	KeyPace
	KeyConnected
	KeyConnecting
	KeyDisconnected
	KeyRoleTeam
	KeyRoleController
	KeyRoleObserver
	KeyStaff

	// Panels (tab titles).
	KeyTabMap
	KeyTabInbox
	KeyTabRequests
	KeyTabReports
	KeyTabQueue
	KeyTabInfra
	KeyTabChat
	KeyTabControl
	KeyTabNotes
	KeyTabHelp

	// Map and legend.
	KeyLegend
	KeyStateClean
	KeyStateDegraded
	KeyStateCompromised
	KeyStateDefaced
	KeyStateIsolated
	KeyStateSinkholed
	KeyStateDown
	KeyStateDestroyed
	KeyStateForeign
	KeySegmentHosts
	KeyNoAssets

	// Asset details.
	KeyAssetLine
	KeyAssetHealth
	KeyAssetFlags
	KeyAssetCampaign
	KeyAssetControls

	// Actions.
	KeyActions
	KeyActionCost
	KeyActionNone
	KeySelectSomething
	KeySend
	KeyCancel
	KeyQueueRunning
	KeyQueueWaiting
	KeyQueueEmpty

	// Inbox, requests, reports, chat.
	KeyUnread
	KeyInboxEmpty
	KeyRequestLine
	KeyRequestsEmpty
	KeyTimeLeft
	KeyReportsEmpty
	KeyReportLine
	KeyChatEmpty
	KeyChatPrompt
	KeyInfraLine
	KeyInfraEmpty
	KeyFrom
	KeyTo

	KeyYou
	KeyIndicators
	KeyEvidence
	KeyLost
	KeyPreserved
	KeyBehind
	KeyCost
	KeyManual
	KeyIslanded
	KeyDamaged
	KeyTripped
	KeyDependsOn
	KeyBody
	KeyMoveLeft
	KeyPeopleN
	KeyScript
	KeyPeople
	KeyAccept
	KeyRefuse
	KeyBackup
	KeyHardened
	KeyVulns
	KeyAuto
	KeyExpect

	// Controller and observer.
	KeyTeams
	KeyNotesHelp
	KeyStart
	KeyPause
	KeyResume
	KeyPaceUp
	KeyPaceDown
	KeyAdvance
	KeyInject
	KeySwitchTeam
	KeyWhoIsConnected
	KeyObjectives
	KeyFigures
	KeyNotesPrompt
	KeyReadOnly

	// What-if (the debrief, controller only).
	KeyTabWhatIf
	KeyWhatIfHelp
	KeyWhatIfForm
	KeyTicksShort
	KeyBackToLive
	KeyLookingBack
	KeyLookingBackAt
	KeyBranchHead
	KeyBranchKeep
	KeyBranchReplace
	KeyBranchChecked
	KeyThisExercise
	KeyThisBranch
	KeyFiguresDiffer
	KeyNoFigureDiffers
	KeyEarlierBranches
	KeyAsking
	KeyPastAnswer
	KeyBranchAnswer

	// Errors and status.
	KeyErrorPrefix
	KeyAccepted
	KeyJoinFailed
	KeyAck
	KeyAckPaused
	KeyStarted
	KeyWaitingAhead
	KeyNoted

	// Help.
	KeyHelpKeys
	KeyHighContrast

	keyCount
)

var english = [keyCount]string{
	KeyTitle:           "cyberex",
	KeyClockYours:      "%s yours",
	KeyDurSeconds:      "%d s",
	KeyDurMinutes:      "%d min",
	KeyDurHours:        "%d h",
	KeyDurHoursMinutes: "%d h %d min",
	KeyDurDays:         "%d d",
	KeyDurDaysHours:    "%d d %d h",

	KeyTick:           "tick %d",
	KeyPaused:         "PAUSED",
	KeyRunning:        "running",
	KeyEnded:          "ENDED",
	KeyPace:           "%.3g ticks/s",
	KeyConnected:      "connected",
	KeyConnecting:     "connecting…",
	KeyDisconnected:   "disconnected, retrying…",
	KeyRoleTeam:       "team %s",
	KeyRoleController: "white cell",
	KeyRoleObserver:   "observer",
	KeyStaff:          "staff %d/%d busy, %d waiting",

	KeyTabMap:      "Map",
	KeyTabInbox:    "Inbox",
	KeyTabRequests: "Requests",
	KeyTabReports:  "Reports",
	KeyTabQueue:    "Staff",
	KeyTabInfra:    "Infrastructure",
	KeyTabChat:     "Chat",
	KeyTabControl:  "Control",
	KeyTabNotes:    "Notes",
	KeyTabHelp:     "Help",

	KeyLegend:           "Legend",
	KeyStateClean:       "clean",
	KeyStateDegraded:    "degraded",
	KeyStateCompromised: "compromised",
	KeyStateDefaced:     "defaced",
	KeyStateIsolated:    "isolated",
	KeyStateSinkholed:   "sinkholed",
	KeyStateDown:        "taken down",
	KeyStateDestroyed:   "destroyed",
	KeyStateForeign:     "not yours",
	KeySegmentHosts:     "hosts %d · bad %d · isolated %d",
	KeyNoAssets:         "No assets in view.",

	KeyAssetLine:     "%s (%s) in %s, owner %s",
	KeyAssetHealth:   "integrity %d‰ · availability %d‰ · criticality %d",
	KeyAssetFlags:    "state: %s",
	KeyAssetCampaign: "held by %s since tick %d",
	KeyAssetControls: "runs %s",

	KeyActions:         "Actions",
	KeyActionCost:      "%s — %s, %d staff",
	KeyActionNone:      "No action applies here.",
	KeySelectSomething: "Select an asset or an item to see what you can do.",
	KeySend:            "Send",
	KeyCancel:          "Cancel",
	KeyQueueRunning:    "running, done at tick %d",
	KeyQueueWaiting:    "waiting behind %d",
	KeyQueueEmpty:      "No actions under way.",

	KeyUnread:        "%d unread",
	KeyInboxEmpty:    "Nothing received yet.",
	KeyRequestLine:   "%s %s → %s: %s",
	KeyRequestsEmpty: "No requests sent or received.",
	KeyTimeLeft:      "%s left",
	KeyReportsEmpty:  "No reports shared with you.",
	KeyReportLine:    "%s from %s: %s",
	KeyChatEmpty:     "No messages.",
	KeyChatPrompt:    "Type a message, Enter to send",
	KeyInfraLine:     "%s (%s) %d%%",
	KeyInfraEmpty:    "No infrastructure you operate or depend on.",
	KeyFrom:          "from %s",
	KeyTo:            "to %s",

	KeyYou:        "you",
	KeyIndicators: "Indicators you hold",
	KeyEvidence:   "Evidence",
	KeyLost:       "LOST",
	KeyPreserved:  "preserved",
	KeyBehind:     "behind %s",
	KeyCost:       "%s, %d staff",
	KeyManual:     "run by hand",
	KeyIslanded:   "islanded",
	KeyDamaged:    "damaged",
	KeyTripped:    "tripped",
	KeyDependsOn:  "you depend on it",
	KeyBody:       "%s",
	KeyMoveLeft:   "%d ticks left in the move",
	KeyPeopleN:    "%d people",
	KeyScript:     "script",
	KeyPeople:     "people",
	KeyAccept:     "accept",
	KeyRefuse:     "refuse",
	KeyBackup:     "clean backup",
	KeyHardened:   "hardened",
	KeyVulns:      "unpatched: %s",
	KeyAuto:       "auto",
	KeyExpect:     "expected: %s",

	KeyTeams:          "Organisations (select one to switch people ↔ script)",
	KeyNotesHelp:      "Notes land at the current tick and go into the after-action report.",
	KeyStart:          "Start",
	KeyPause:          "Pause",
	KeyResume:         "Resume",
	KeyPaceUp:         "Faster",
	KeyPaceDown:       "Slower",
	KeyAdvance:        "Advance %d ticks",
	KeyInject:         "Send inject",
	KeySwitchTeam:     "people ↔ script",
	KeyWhoIsConnected: "Connected",
	KeyObjectives:     "Objectives",
	KeyFigures:        "Key figures",
	KeyNotesPrompt:    "Type a note, Enter to save it at this tick",
	KeyReadOnly:       "read-only",

	KeyTabWhatIf:       "What-if",
	KeyWhatIfHelp:      "Look back at any tick, or fork a branch with other commands and compare it with the exercise. The exercise goes on untouched; branches go into the after-action report.",
	KeyWhatIfForm:      "Fork: the tick it forks at; commands as TICK ORG VERB [TARGET] [key=value], separated by ; (e.g. 301 police-a request hosting-b kind=preserve target=crew-server-logs); later: replace or keep the exercise's commands after the fork; compare at a tick (empty: now); a name (empty: branch-N).",
	KeyBackToLive:      "Back to live",
	KeyTicksShort:      "ticks",
	KeyLookingBack:     "looking back · live at tick %d",
	KeyLookingBackAt:   "The world at tick %d (%s); the map shows it too",
	KeyBranchHead:      "%s: forked at tick %d, compared at tick %d",
	KeyBranchKeep:      "the exercise's commands kept, and %d of its own after the fork",
	KeyBranchReplace:   "%d command(s) of its own instead of the exercise's after the fork",
	KeyBranchChecked:   "same state as the exercise at %d ticks up to the fork",
	KeyThisExercise:    "exercise",
	KeyThisBranch:      "branch",
	KeyFiguresDiffer:   "Key figures that differ",
	KeyNoFigureDiffers: "No key figure differs.",
	KeyEarlierBranches: "Earlier branches (select one to compare)",
	KeyAsking:          "asked: replaying the exercise…",
	KeyPastAnswer:      "showing tick %d",
	KeyBranchAnswer:    "branch %s ran",

	KeyErrorPrefix:  "refused: %s",
	KeyAccepted:     "accepted: %s",
	KeyJoinFailed:   "could not join: %s",
	KeyAck:          "sent: applies at tick %d",
	KeyAckPaused:    "sent: applies at tick %d, when the exercise resumes",
	KeyStarted:      "%s (under way, done at tick %d)",
	KeyWaitingAhead: "%s (waits behind %d earlier actions)",
	KeyNoted:        "note kept at tick %d",

	KeyHelpKeys:     "Tab/Shift+Tab move · Enter acts · Esc back · 1-9 panels · arrows pan · +/- zoom · H contrast",
	KeyHighContrast: "high contrast",
}

// verbLabels name the engine's verbs as a player reads them on a button.
var verbLabels = map[string]string{
	"investigate": "Investigate",
	"scan":        "Scan",
	"query":       "Ask status",
	"contain":     "Contain (isolate)",
	"allow":       "Reconnect",
	"deny":        "Block upstream",
	"restore":     "Restore",
	"remediate":   "Clean up",
	"update":      "Patch and harden",
	"delete":      "Delete content",
	"preserve":    "Preserve",
	"request":     "Request…",
	"answer":      "Answer",
	"share":       "Share report…",
	"takedown":    "Take down",
	"sinkhole":    "Sinkhole",
	"message":     "Message…",
	"statement":   "Public statement…",
	"manual":      "Run by hand",
	"island":      "Island",
	"trace":       "Trace payment",
	"freeze":      "Freeze payment",
	"prosecute":   "Open a case",
}

// opLabels name the white cell's operations.
var opLabels = map[string]string{
	"start":   "Start",
	"pause":   "Pause",
	"resume":  "Resume",
	"pace":    "Set pace",
	"advance": "Advance",
	"inject":  "Send inject…",
	"script":  "Hand to its script:",
	"people":  "Hand to people:",
	"end":     "End the exercise",
	"jump":    "Look back…",
	"branch":  "Fork a branch…",
}

// Verb returns the label of an engine verb (the verb itself if the table
// has none: a verb added to the engine still shows).
func (t Table) Verb(v string) string {
	if s, ok := verbLabels[v]; ok && t.Lang == "en" {
		return s
	}
	return v
}

// Op returns the label of a controller's operation.
func (t Table) Op(op string) string {
	if s, ok := opLabels[op]; ok && t.Lang == "en" {
		return s
	}
	return op
}
