package command

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/plan"
)

// meta is what a JSON document records about this session.
func (ses *session) meta() plan.Meta {
	return plan.Meta{
		ToolVersion:    Version,
		CheckPasswords: ses.checkPasswords,
		Spec:           plan.SpecRef{Path: ses.spec.Path, Digest: ses.spec.Digest},
		Specs:          ses.specRefs(),
		Source:         ses.source,
		Live: plan.LiveRef{URI: ses.client.URI(), Digest: ses.live.State.Digest(),
			Release: ses.live.Server.String(), ReleaseSource: ses.live.Server.Source},
	}
}

// specRefs are the spec's files for a JSON document.
func (ses *session) specRefs() []plan.SpecRef {
	var out []plan.SpecRef
	for _, f := range ses.spec.Files {
		out = append(out, plan.SpecRef{Path: f.Path, Digest: f.Digest})
	}
	return out
}

// document is the JSON document of the session's plan, with its access delta.
func (ses *session) document(drift bool) *plan.Document {
	d := plan.NewDocument(ses.plan, ses.meta(), drift)
	d.AccessDelta = ses.deltaJSON()
	d.AccessSummary = ses.summaryJSON()
	return d
}

// writePlan renders the session's plan in format.
func (ses *session) writePlan(w io.Writer, s Streams, format output.Format) error {
	switch format {
	case output.JSON:
		return ses.document(false).Write(w)
	case output.Markdown:
		o := plan.MarkdownOptions{SpecName: ses.spec.Path}
		if !ses.plan.Empty() {
			o.Preface = ses.deltaMarkdown()
		}
		return ses.plan.WriteMarkdown(w, o)
	case output.Diff:
		o := ses.textOptions(s)
		if len(ses.spec.Files) > 1 {
			o.Source = ses.source // a diff of objects from several files names each one's file
		}
		return ses.plan.WriteDiff(w, ses.spec.State, ses.live.State, o)
	default:
		if err := ses.plan.WriteText(w, ses.textOptions(s)); err != nil {
			return err
		}
		if ses.plan.Empty() {
			return nil
		}
		_, err := io.WriteString(w, "\n"+ses.deltaText())
		return err
	}
}

// writeFile writes a file atomically enough for a CI artifact: to a temporary name, then renamed.
func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		// Not the temporary file's name, which the user never gave.
		return fmt.Errorf("write %s: directory %s does not exist: create it first", path, filepath.Dir(path))
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
