package ttal

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// schemaValidator checks a JSON value against the subset of JSON Schema
// that schema/ttal.schema.json uses: type, required, properties,
// additionalProperties, items, enum, pattern, minimum and local $ref.
type schemaValidator struct{ root map[string]any }

func (v schemaValidator) validate(path string, schema map[string]any, val any) []string {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		sub, ok := v.root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{path + ": unresolved $ref " + ref}
		}
		return v.validate(path, sub, val)
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	if t, ok := schema["type"].(string); ok && !hasType(val, t) {
		fail("want type %s, got %T", t, val)
		return errs
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == val {
				found = true
			}
		}
		if !found {
			fail("%v not in enum %v", val, enum)
		}
	}
	if p, ok := schema["pattern"].(string); ok {
		if s, _ := val.(string); !regexp.MustCompile(p).MatchString(s) {
			fail("%q does not match %s", s, p)
		}
	}
	if m, ok := schema["minimum"].(float64); ok {
		if n, _ := val.(float64); n < m {
			fail("%v < minimum %v", n, m)
		}
	}
	if obj, ok := val.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		req, _ := schema["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				fail("missing required %s", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if sub, ok := props[k].(map[string]any); ok {
				errs = append(errs, v.validate(path+"."+k, sub, obj[k])...)
			} else if schema["additionalProperties"] == false {
				fail("additional property %s", k)
			}
		}
	}
	if arr, ok := val.([]any); ok {
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, v.validate(fmt.Sprintf("%s[%d]", path, i), items, e)...)
			}
		}
	}
	return errs
}

func hasType(val any, t string) bool {
	switch t {
	case "object":
		_, ok := val.(map[string]any)
		return ok
	case "array":
		_, ok := val.([]any)
		return ok
	case "string":
		_, ok := val.(string)
		return ok
	case "boolean":
		_, ok := val.(bool)
		return ok
	case "integer":
		n, ok := val.(float64)
		return ok && n == math.Trunc(n)
	case "number":
		_, ok := val.(float64)
		return ok
	}
	return false
}

func loadSchema(t *testing.T) schemaValidator {
	t.Helper()
	b, err := os.ReadFile("schema/ttal.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	// The validator must know every keyword the schema uses.
	known := map[string]bool{"$schema": true, "$id": true, "$defs": true, "$ref": true, "title": true, "description": true,
		"type": true, "required": true, "properties": true, "additionalProperties": true, "items": true, "enum": true, "pattern": true, "minimum": true}
	var walk func(m map[string]any, inProps bool)
	walk = func(m map[string]any, inProps bool) {
		for k, sub := range m {
			if !inProps && !known[k] {
				t.Fatalf("schema uses keyword %q that the test validator does not implement", k)
			}
			switch s := sub.(type) {
			case map[string]any:
				walk(s, !inProps && (k == "properties" || k == "$defs"))
			}
		}
	}
	walk(root, false)
	return schemaValidator{root}
}

func TestSchemaValidatesCodecOutput(t *testing.T) {
	v := loadSchema(t)
	docs := map[string][]byte{"example": readExample(t), "generated": generateScript(200).Marshal()}
	for _, c := range jsonCases {
		s, err := Unmarshal([]byte(c.doc))
		if err != nil {
			t.Fatal(err)
		}
		docs[c.name] = s.Marshal()
	}
	for name, doc := range docs {
		var val any
		if err := json.Unmarshal(doc, &val); err != nil {
			t.Fatal(err)
		}
		if errs := v.validate("$", v.root, val); len(errs) > 0 {
			t.Errorf("%s: %s", name, strings.Join(errs, "\n"))
		}
	}
}

func TestSchemaRejects(t *testing.T) {
	v := loadSchema(t)
	for _, doc := range []string{
		`{}`,
		strings.Replace(minimal, `"originalTranscript"`, `"x"`, 1),
		strings.Replace(minimal, `"den":1`, `"den":0`, 1),
		strings.Replace(minimal, `"den":1`, `"den":1,"x":2`, 1),
		strings.Replace(minimal, `"events":[]`, `"events":[{"id":"a","start":-1,"end":1,"texts":[]}]`, 1),
		strings.Replace(minimal, `"events":[]`, `"events":[{"id":"a","start":0,"end":1}]`, 1),
		strings.Replace(minimal, `"den":1}`, `"den":1},"originTimecode":"1:00:00:00"`, 1),
	} {
		var val any
		if err := json.Unmarshal([]byte(doc), &val); err != nil {
			t.Fatal(err)
		}
		if errs := v.validate("$", v.root, val); len(errs) == 0 {
			t.Errorf("schema accepted %s", doc)
		}
	}
}
