package install

import (
	"debug/elf"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	Cmd  string // upper case: FROM, RUN, ...
	Args string
}

// stage is one FROM and what follows it.
type stage struct {
	Image, Name  string
	Instructions []instruction
}

// parseDockerfile splits a Dockerfile into stages. It knows what this repository's Dockerfile
// uses: comments, line continuations, FROM [--platform=...] image [AS name].
func parseDockerfile(t *testing.T, text string) []stage {
	t.Helper()
	var (
		stages []stage
		cur    string
	)
	flush := func() {
		line := strings.TrimSpace(cur)
		cur = ""
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		if in.Cmd == "FROM" {
			f := strings.Fields(in.Args)
			if len(f) > 0 && strings.HasPrefix(f[0], "--platform=") {
				f = f[1:]
			}
			st := stage{Image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.Name = f[2]
			}
			stages = append(stages, st)
			return
		}
		if len(stages) > 0 {
			stages[len(stages)-1].Instructions = append(stages[len(stages)-1].Instructions, in)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") && cur == "" {
			continue
		}
		if strings.HasSuffix(l, `\`) {
			cur += strings.TrimSuffix(l, `\`) + " "
			continue
		}
		cur += l
		flush()
	}
	flush()
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stages, want a build stage and a final one", len(stages))
	}
	return stages
}

func (s stage) all(cmd string) []string {
	var out []string
	for _, in := range s.Instructions {
		if in.Cmd == cmd {
			out = append(out, in.Args)
		}
	}
	return out
}

// TestDockerfile checks the image's shape and that its build stage builds what the Makefile
// builds, statically: it runs the stage's go build command here and reads the ELF headers.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, read(t, "Dockerfile"))
	mk := readMakefile(t)
	final := stages[len(stages)-1]

	var build *stage
	var goBuild string
	for i := range stages[:len(stages)-1] {
		for _, run := range stages[i].all("RUN") {
			if strings.Contains(run, "go build") {
				build, goBuild = &stages[i], run
			}
		}
	}
	if build == nil {
		t.Fatal("Dockerfile: no build stage runs go build")
	}
	if !strings.HasPrefix(build.Image, "golang:") {
		t.Errorf("build stage image %s, want golang", build.Image)
	}
	// The builder's Go is go.mod's release line (golang:1.26 is the newest 1.26.x).
	goMod := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(read(t, "go.mod"))
	arg := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\S+)$`).FindStringSubmatch(read(t, "Dockerfile"))
	if goMod == nil || arg == nil || arg[1] != goMod[1] || build.Image != "golang:${GO_VERSION}" {
		t.Errorf("the builder is %s with GO_VERSION %v; go.mod says go %v", build.Image, arg, goMod)
	}
	for _, want := range []string{"CGO_ENABLED=0 ", " -trimpath ", " -ldflags "} {
		if !strings.Contains(goBuild, want) {
			t.Errorf("the build stage's go build lacks %q: %s", strings.TrimSpace(want), goBuild)
		}
	}
	if v := versionVar(goBuild); v != mk.VersionVar {
		t.Errorf("the build stage stamps the version into %q, the Makefile into %q", v, mk.VersionVar)
	}
	out := regexp.MustCompile(`-o (\S+) (\S+)$`).FindStringSubmatch(goBuild)
	if out == nil || out[2] != mk.Package {
		t.Fatalf("the build stage's go build must end -o <binary> %s (the Makefile's package): %s", mk.Package, goBuild)
	}
	binary := out[1]

	// The final stage: distroless static, non-root, the binary copied from the build stage
	// and run as the entrypoint, OCI labels.
	if !strings.HasPrefix(final.Image, "gcr.io/distroless/static") || !strings.HasSuffix(final.Image, ":nonroot") {
		t.Errorf("final image %s, want gcr.io/distroless/static-*:nonroot (CA certificates, a non-root user)", final.Image)
	}
	users := final.all("USER")
	if len(users) == 0 {
		t.Error("the final stage sets no USER")
	}
	for _, u := range users {
		if name, _, _ := strings.Cut(u, ":"); name == "root" || name == "0" {
			t.Errorf("the final stage runs as %s", u)
		}
	}
	copies := strings.Join(final.all("COPY"), "\n")
	if !strings.Contains(copies, "--from="+build.Name+" "+binary+" ") {
		t.Errorf("the final stage does not copy %s from stage %s: %s", binary, build.Name, copies)
	}
	entry := final.all("ENTRYPOINT")
	if len(entry) != 1 || !regexp.MustCompile(`^\["/[^"]*/milvus-rbac"\]$`).MatchString(entry[0]) {
		t.Errorf("ENTRYPOINT %v, want the binary alone, exec form", entry)
	}
	labels := strings.Join(final.all("LABEL"), " ")
	for _, l := range []string{"title", "description", "source", "version", "revision"} {
		if !strings.Contains(labels, "org.opencontainers.image."+l+"=") {
			t.Errorf("the final stage lacks label org.opencontainers.image.%s", l)
		}
	}

	// Run the build stage's own command, as the image build would, for this machine's
	// architecture, and check that the result is static and stamped.
	dir := t.TempDir()
	const version = "0.0.0-dockerfile-test"
	cmd := strings.NewReplacer("${VERSION}", version, "${TARGETOS}", "linux", "${TARGETARCH}", runtime.GOARCH,
		binary, filepath.Join(dir, "milvus-rbac")).Replace(goBuild)
	if strings.Contains(cmd, "${") {
		t.Fatalf("the build command uses an argument the test does not know: %s", cmd)
	}
	if runtime.GOOS != "linux" {
		t.Skip("the static-binary check runs the build on linux")
	}
	sh := exec.Command("sh", "-c", cmd)
	sh.Dir = root
	if b, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, b)
	}
	bin := filepath.Join(dir, "milvus-rbac")
	checkStatic(t, bin)
	v, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), version) {
		t.Errorf("%s --version: %s %v, want %s", bin, v, err, version)
	}
}

// checkStatic fails unless the ELF file at path asks for no interpreter and has no dynamic
// section: the kernel runs it as it is, on distroless/static or scratch.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s is dynamically linked (%s)", path, p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v", path, libs)
	}
}
