// Package markdown owns how text from plans and access deltas is written into CommonMark (as
// GitHub renders it, with its extensions): names and patterns as code spans, messages with
// every character that could start emphasis, a link, HTML, a strikethrough or math escaped.
// It renders nothing itself and knows nothing of plans: plan and access call it.
package markdown
