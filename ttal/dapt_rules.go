package ttal

// dapt checks the DAPT document rules that apply to the model: a script
// represents something, has a default language, every event's content
// descriptor is a sub-type of it (inherited when absent).
func (v *validator) dapt() {
	s := v.s
	if len(s.Represents) == 0 {
		v.add("dapt.scriptRepresents", SeverityError, nil, 0, "daptm:scriptRepresents is mandatory: the script must say what it represents")
	}
	if s.Language == "" {
		v.add("dapt.xmlLang", SeverityError, nil, 0, "xml:lang (the script's default language) is mandatory")
	}
	for i := range s.Events {
		e := &s.Events[i]
		if e.Represents == "" && len(s.Represents) != 1 {
			v.add("dapt.represents", SeverityError, e, e.Start, "event has no daptm:represents and cannot inherit one")
		}
	}
}
