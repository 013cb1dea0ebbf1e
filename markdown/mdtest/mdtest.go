// Package mdtest renders markdown as GitHub does (CommonMark with the GFM extensions, through
// github.com/yuin/goldmark) into a small HTML tree, so that tests assert on what a reader
// sees: which text is emphasis, code or a list item, and what sits inside which list. Only
// tests import it.
package mdtest

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	goldhtml "github.com/yuin/goldmark/renderer/html"
)

// Node is an element of the rendered HTML, or a text node (Tag "").
type Node struct {
	Tag      string
	Attrs    string
	Children []*Node
	Parent   *Node
	// Data is the unescaped text of a text node.
	Data string
}

// HTML renders md to HTML, raw HTML (the <details> blocks) kept.
func HTML(md string) (string, error) {
	var buf bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(goldhtml.WithUnsafe()))
	if err := gm.Convert([]byte(md), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

var token = regexp.MustCompile(`(?s)<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|[^<]+|<`)

var void = map[string]bool{"br": true, "hr": true, "img": true, "input": true}

// Parse renders md and parses the HTML into a tree under a root node (Tag "root").
func Parse(md string) (*Node, string, error) {
	out, err := HTML(md)
	if err != nil {
		return nil, "", err
	}
	root := &Node{Tag: "root"}
	cur := root
	for _, m := range token.FindAllStringSubmatch(out, -1) {
		switch {
		case strings.HasPrefix(m[0], "<!--"):
		case m[2] != "" && m[1] == "/":
			// Close up to the matching element; a stray close tag is ignored.
			for n := cur; n != nil && n != root; n = n.Parent {
				if n.Tag == strings.ToLower(m[2]) {
					cur = n.Parent
					break
				}
			}
		case m[2] != "":
			n := &Node{Tag: strings.ToLower(m[2]), Attrs: m[3], Parent: cur}
			cur.Children = append(cur.Children, n)
			if !void[n.Tag] && !strings.HasSuffix(m[3], "/") {
				cur = n
			}
		default:
			cur.Children = append(cur.Children, &Node{Data: html.UnescapeString(m[0]), Parent: cur})
		}
	}
	return root, out, nil
}

// Text is the visible text under n.
func (n *Node) Text() string {
	if n.Tag == "" {
		return n.Data
	}
	var b strings.Builder
	for _, c := range n.Children {
		b.WriteString(c.Text())
	}
	return b.String()
}

// All returns the elements under n (n included) with one of the tags, in document order.
func (n *Node) All(tags ...string) []*Node {
	var out []*Node
	var walk func(*Node)
	walk = func(x *Node) {
		for _, t := range tags {
			if x.Tag == t {
				out = append(out, x)
				break
			}
		}
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(n)
	return out
}

// Inside reports whether n has an ancestor with the tag.
func (n *Node) Inside(tag string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Tag == tag {
			return true
		}
	}
	return false
}

// Blocks returns the top-level paragraphs, headings, lists and other blocks in order,
// looking through <details> and <div> wrappers.
func (n *Node) Blocks() []*Node {
	var out []*Node
	for _, c := range n.Children {
		switch c.Tag {
		case "":
			if strings.TrimSpace(c.Data) != "" {
				out = append(out, c)
			}
		case "details", "div":
			out = append(out, c)
			out = append(out, c.Blocks()...)
		default:
			out = append(out, c)
		}
	}
	return out
}
