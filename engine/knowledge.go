package engine

// What organisations learn. The state already records much of it as the
// organisation's own (its indicators, the FlagDetected of its assets, the
// copies of evidence it holds, the requests and reports it sent or
// received); the rest is a Fact in Org.Facts or a Message in
// World.Messages, so that a View is decided from the state alone and a
// restored world knows what the original knew.

// learn records that org learned a fact; a fact it already has keeps its
// first tick. Beyond FactsMax it learns nothing more (its indicators and
// holdings still grow): bounded memory for a runaway script.
func (w *World) learn(org int32, kind, subject string, campaign int32) {
	if org < 0 || int(org) >= len(w.Orgs) || subject == "" {
		return
	}
	o := &w.Orgs[org]
	for i := range o.Facts {
		if f := &o.Facts[i]; f.Kind == kind && f.Subject == subject {
			if f.Campaign == None && campaign != None {
				f.Campaign = campaign
			}
			return
		}
	}
	if len(o.Facts) >= FactsMax {
		return
	}
	o.Facts = append(o.Facts, Fact{Kind: kind, Subject: subject, Campaign: campaign, Tick: w.Tick})
}

// learnC2 tells org where campaign c's command and control is now.
func (w *World) learnC2(org, c int32) {
	if c2 := w.Campaigns[c].C2; c2 != None {
		w.learn(org, FactC2, w.AssetID(c2), c)
	}
}

// KnowsFact says whether org learned a fact of this kind about subject.
func (w *World) KnowsFact(org int32, kind, subject string) bool {
	if org < 0 || int(org) >= len(w.Orgs) {
		return false
	}
	for _, f := range w.Orgs[org].Facts {
		if f.Kind == kind && f.Subject == subject {
			return true
		}
	}
	return false
}

// namedIn lists the ids a text names that an organisation could act on or
// ask about: assets, evidence, payments and campaigns (a police file "on
// intr" names the campaign), in order, without repeats.
// Reports, messages, injects and public events name them ("the records
// c2-account", "they call home to c2-server").
func (w *World) namedIn(text string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		tok := text[start:end]
		start = -1
		for len(tok) > 0 && (tok[len(tok)-1] == '.' || tok[len(tok)-1] == '-') {
			tok = tok[:len(tok)-1]
		}
		if len(tok) < 2 || len(tok) > 128 {
			return
		}
		for _, x := range out {
			if x == tok {
				return
			}
		}
		_, isAsset := w.AssetIndex(tok)
		_, isEvidence := w.EvidenceIndex(tok)
		_, isPayment := w.PaymentIndex(tok)
		_, isCampaign := w.CampaignIndex(tok)
		if isAsset || isEvidence || isPayment || isCampaign {
			out = append(out, tok)
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		word := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if word && start < 0 {
			start = i
		} else if !word {
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// learnNamed: org learns the ids a text names (a campaign's fact ties
// to the campaign).
func (w *World) learnNamed(org int32, text string) {
	for _, id := range w.namedIn(text) {
		c, ok := w.CampaignIndex(id)
		if !ok {
			c = None
		}
		w.learn(org, FactNamed, id, c)
	}
}

// record keeps a message in the state (MessagesMax at most).
func (w *World) record(kind string, from int32, to []int32, subject, text string) {
	if len(w.Messages) >= MessagesMax {
		return
	}
	w.Messages = append(w.Messages, Message{ID: int32(len(w.Messages) + 1), Kind: kind, From: from, To: to,
		Subject: subject, Text: text, Tick: w.Tick, Names: w.namedIn(text)})
}

// recordNews keeps a public event as news, once per kind and subject: a
// DDoS reported every tick is one story.
func (w *World) recordNews(e *Event) {
	key := e.Kind + "\x00" + e.Subject
	if w.idx.news == nil || w.idx.news[key] {
		return
	}
	w.idx.news[key] = true
	from := None
	if e.Org != "" {
		from, _ = w.OrgIndex(e.Org)
	}
	if len(w.Messages) >= MessagesMax {
		return
	}
	m := Message{ID: int32(len(w.Messages) + 1), Kind: MsgNews, Event: e.Kind, From: from,
		Subject: e.Subject, Text: e.Text, Tick: w.Tick, Names: w.namedIn(e.Text)}
	w.Messages = append(w.Messages, m)
	// What the news names, everyone may read.
	for o := range w.Orgs {
		for _, id := range m.Names {
			w.learn(int32(o), FactNamed, id, None)
		}
	}
}
