#!/bin/sh
# Writes completions/milvus-rbac.{bash,zsh,fish} for the release archives (a goreleaser
# before-hook). A build without the completion command gets none, and says so: the archives
# then ship without them.
set -eu
cd "$(dirname "$0")/.."
rm -rf completions
mkdir -p completions
bin=completions/.milvus-rbac
go build -o "$bin" .
for sh in bash zsh fish; do
	if ! "$bin" completion "$sh" > "completions/milvus-rbac.$sh" 2>/dev/null || [ ! -s "completions/milvus-rbac.$sh" ]; then
		echo "completions.sh: this build has no 'completion $sh' command: the archives ship without completion scripts" >&2
		rm -f completions/milvus-rbac.*
		break
	fi
done
rm -f "$bin"
