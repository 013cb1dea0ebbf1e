package command

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/problem"
)

// NewCmdCompletion is `completion`.
func NewCmdCompletion(e *Env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in the current shell, or install it for good:\n\n" +
			"   source <(milvus-rbac completion bash)     # bash; for good: milvus-rbac completion bash > ~/.local/share/bash-completion/completions/milvus-rbac\n" +
			"   source <(milvus-rbac completion zsh)      # zsh (after compinit); for good: milvus-rbac completion zsh > \"${fpath[1]}/_milvus-rbac\"\n" +
			"   milvus-rbac completion fish | source      # fish; for good: milvus-rbac completion fish > ~/.config/fish/completions/milvus-rbac.fish",
		BashComplete: func(c *cli.Context) {
			for _, shell := range shells {
				fmt.Fprintln(c.App.Writer, shell)
			}
		},
		Action: func(c *cli.Context) error {
			script, err := completionScript(c.App, c.Args().First())
			if err != nil {
				return err
			}
			_, err = io.WriteString(e.Streams.Out, script)
			return err
		},
	}
}

// completionScript is the completion script of app for shell. bash and zsh ask the binary
// for candidates (urfave/cli's --generate-bash-completion); fish gets a static script.
func completionScript(app *cli.App, shell string) (string, error) {
	switch shell {
	case "bash":
		return bashCompletion, nil
	case "zsh":
		return zshCompletion, nil
	case "fish":
		return app.ToFishCompletion()
	case "":
		return "", errors.New("completion needs a shell: bash, zsh or fish")
	}
	return "", fmt.Errorf("completion %s: unknown shell%s; use bash, zsh or fish", shell, problem.DidYouMean(shell, shells))
}

// shells are the shells completion writes a script for.
var shells = []string{"bash", "fish", "zsh"}

const bashCompletion = `# bash completion for milvus-rbac: source <(milvus-rbac completion bash)
_milvus_rbac() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
}
complete -o bashdefault -o default -F _milvus_rbac milvus-rbac
`

const zshCompletion = `#compdef milvus-rbac
# zsh completion for milvus-rbac: source <(milvus-rbac completion zsh)
_milvus_rbac() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
# Installed in $fpath as _milvus-rbac, zsh runs this file to complete: complete at once.
# Sourced, it registers the function.
if [ "$funcstack[1]" = "_milvus-rbac" ]; then
  _milvus_rbac "$@"
else
  compdef _milvus_rbac milvus-rbac
fi
`
