// Package install holds the tests of how milvus-rbac reaches its users: the release
// configuration (.goreleaser.yaml), the container image (Dockerfile), the GitHub Action
// (action.yml) and the files they ship. It has no code of its own: what it checks lives at the
// repository root, and the tests read it from there. The CI examples, which need the built
// binary and an emulator, are checked in package e2e.
package install
