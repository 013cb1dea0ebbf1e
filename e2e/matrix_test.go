package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// The suite runs on a matrix of Milvus releases. A plain run of a test is on
// emulator.DefaultVersion (the latest 2.5); TestMatrix runs the tests again on the releases
// below, each under "TestMatrix/<release>/<test>", and newCluster gives a test the release its
// name carries. The cheap tests run on every release, the expensive ones (seconds each: fault
// injection, timeouts) on one more release only, so that the suite stays fast.

// matrixReleases are the releases TestMatrix adds: the last 2.4, the last 2.6 before the WAL,
// the first with alias resolution in grants, and the first with descriptions and standard
// errors.
var matrixReleases = []release.Version{release.V(2, 4, 18), release.V(2, 6, 4), release.V(2, 6, 12), release.V(2, 6, 19)}

// expensiveRelease is the one release of matrixReleases the expensive tests also run on.
var expensiveRelease = release.V(2, 6, 19)

// cheapTests run on every release of the matrix.
var cheapTests = map[string]func(*testing.T){
	"TestAccessAndCheckCommands":                   TestAccessAndCheckCommands,
	"TestApplyNeedsApprovalWithoutATerminal":       TestApplyNeedsApprovalWithoutATerminal,
	"TestApplyWithStdinFromDevNull":                TestApplyWithStdinFromDevNull,
	"TestAuthoritativeDropsButKeepsTheOperator":    TestAuthoritativeDropsButKeepsTheOperator,
	"TestBlockedStepGivesItsReasonOnce":            TestBlockedStepGivesItsReasonOnce,
	"TestDriftAsTheConnectingUser":                 TestDriftAsTheConnectingUser,
	"TestTeamAdoptsItsPartOfASharedCluster":        TestTeamAdoptsItsPartOfASharedCluster,
	"TestSpecDirectoryPlanApplyReplan":             TestSpecDirectoryPlanApplyReplan,
	"TestDuplicateAcrossFilesNamesBoth":            TestDuplicateAcrossFilesNamesBoth,
	"TestCallCounts":                               TestCallCounts,
	"TestCheckStrict":                              TestCheckStrict,
	"TestDriftSeesManualChanges":                   TestDriftSeesManualChanges,
	"TestEveryJSONDocumentMatchesItsSchema":        TestEveryJSONDocumentMatchesItsSchema,
	"TestExportRefusesToOverwrite":                 TestExportRefusesToOverwrite,
	"TestExportRoundTrip":                          TestExportRoundTrip,
	"TestExportSchemaReference":                    TestExportSchemaReference,
	"TestFaultScenario":                            TestFaultScenario,
	"TestInvalidFileChangesNothingAndCallsNothing": TestInvalidFileChangesNothingAndCallsNothing,
	"TestLockoutIsRefused":                         TestLockoutIsRefused,
	"TestMarkdownAndDiffFormats":                   TestMarkdownAndDiffFormats,
	"TestMissingPasswordFailsBeforeAnyChange":      TestMissingPasswordFailsBeforeAnyChange,
	"TestNoColorOnEveryCommand":                    TestNoColorOnEveryCommand,
	"TestNoSecretInAnyOutput":                      TestNoSecretInAnyOutput,
	"TestOneErrorStyle":                            TestOneErrorStyle,
	"TestPasswordChecksAndRotation":                TestPasswordChecksAndRotation,
	"TestPlanShowsTheAccessDelta":                  TestPlanShowsTheAccessDelta,
	"TestPlanWarnsPastDefaultLimits":               TestPlanWarnsPastDefaultLimits,
	"TestPlanWithoutChangesNeedsNoPasswords":       TestPlanWithoutChangesNeedsNoPasswords,
	"TestPlanWithoutPasswordSecrets":               TestPlanWithoutPasswordSecrets,
	"TestQuickstartPlanApplyReplan":                TestQuickstartPlanApplyReplan,
	"TestReadMakesTheMinimumNumberOfCalls":         TestReadMakesTheMinimumNumberOfCalls,
	"TestSavedPlanIgnoresChangesOutOfScope":        TestSavedPlanIgnoresChangesOutOfScope,
	"TestSavedPlanIsAppliedExactlyOnce":            TestSavedPlanIsAppliedExactlyOnce,
	"TestSavedPlanRefusesAnotherSpecFile":          TestSavedPlanRefusesAnotherSpecFile,
	"TestSavedPlansTravel":                         TestSavedPlansTravel,
	"TestStalePlanChangesNothing":                  TestStalePlanChangesNothing,
	"TestVerboseLogsCallsWithoutSecrets":           TestVerboseLogsCallsWithoutSecrets,
}

// expensiveTests (seconds each: fault injection, concurrency) run on expensiveRelease
// only, besides their plain run.
var expensiveTests = map[string]func(*testing.T){
	"TestApplyConvergesUnderRandomFaults": TestApplyConvergesUnderRandomFaults,
	"TestApplyFailingAtEveryStep":         TestApplyFailingAtEveryStep,
	"TestApplySettlesAmbiguousCalls":      TestApplySettlesAmbiguousCalls,
	"TestConcurrentAppliesOfOneFile":      TestConcurrentAppliesOfOneFile,
}

// notInMatrix are the tests the matrix leaves out, and why: they never reach a server, or
// choose the releases they run on themselves.
var notInMatrix = map[string]string{
	"TestFleetPlanApplyDrift":                   "starts three emulators of its own (dev, staging, prod)",
	"TestFleetCheck":                            "starts emulators of its own",
	"TestFleetSavedPlans":                       "starts emulators of its own",
	"TestActionRunsCommandsAndKeepsExitCodes":   "about the Action's shell steps, which the release does not change",
	"TestActionKeepsOneStickyComment":           "about the Action's comment step; no server",
	"TestCIExamplesKeepTheWholePlan":            "reads the CI examples; no server",
	"TestReaderRoleReadsButCannotApply":         "runs on the releases it names itself",
	"TestReaderGrantedInOneDatabaseIsToldWhy":   "runs on the releases it names itself",
	"TestReaderBeforeBuiltinGroups":             "runs on 2.4.15 and 2.4.17 itself",
	"TestApplyInterruptedListsSkippedStepsOnce": "about signals, which the release does not change (seconds)",
	"TestInterruptIsWordedForTheCommand":        "about signals, which the release does not change (seconds)",
	"TestNoInterruptMessageWithoutASignal":      "about signals, which the release does not change (seconds)",
	"TestCIExamplesUseRealCommands":             "needs no server",
	"TestConnectionErrorsSayWhatToCheck":        "fails before it reaches a server",
	"TestFlagValuesAreChecked":                  "about the command line",
	"TestHelpSuggestionsVersionCompletion":      "about the command line",
	"TestOneVersioningRule":                     "needs no server",
	"TestPlanRecordsTheRelease":                 "runs on its own release",
	"TestExportDottedUserNames":                 "runs on 2.6.19 itself: dotted user names exist from 2.6.0",
	"TestReadmeGoVersionMatchesGoMod":           "needs no server",
	"TestReadmeShowsRealHelp":                   "needs no server",
	"TestReleaseRefusalsBeforeAnyChange":        "runs on its own releases",
	"TestNamesResolvedInGrants":                 "runs on its own releases",
	"TestLeftoverGrantsBlockTheDrop":            "runs on its own release",
	"TestRepeatedFlagsAreRefused":               "about the command line",
	"TestTokenOnTheCommandLineWarns":            "about the command line",
	"TestTokenOverPlainHTTPRefused":             "refused before it connects",
	"TestTransportFlags":                        "about the transport",
	"TestUsersSharingANamePrefix":               "runs on its own releases",
	"TestPasswordProblemsNameTheirSource":       "refused before any change, the same on every release",
}

// matrixDatabases are the databases the suite's files grant in. A cluster those files describe
// has them, and from 2.6.12 a grant in a database that does not exist fails.
var matrixDatabases = []string{"a", "b", "db", "db1", "db2", "db3", "db4", "db5", "db6", "db9", "sales", "support", "analytics", "prod", "marketing"}

func TestMatrix(t *testing.T) {
	if live() {
		t.Skip("a live cluster is one release: run the suite against each")
	}
	for _, v := range matrixReleases {
		t.Run(v.String(), func(t *testing.T) {
			run := func(tests map[string]func(*testing.T)) {
				names := make([]string, 0, len(tests))
				for name := range tests {
					names = append(names, name)
				}
				sort.Strings(names)
				for _, name := range names {
					t.Run(name, tests[name])
				}
			}
			t.Run("cluster", func(t *testing.T) {
				if c := newCluster(t, emulator.Options{}); c.Emu.Version() != v {
					t.Fatalf("newCluster in the %s run emulates %s", v, c.Emu.Version())
				}
			})
			run(cheapTests)
			if v == expensiveRelease {
				run(expensiveTests)
			}
		})
	}
}

// matrixOptions gives opts the release of the matrix run t belongs to ("TestMatrix/2.6.12/..."),
// and that release's databases; a test that chose a release keeps it. A plain run keeps the
// default release.
func matrixOptions(t *testing.T, opts emulator.Options) emulator.Options {
	rest, ok := strings.CutPrefix(t.Name(), "TestMatrix/")
	if !ok || !opts.Version.IsZero() {
		return opts
	}
	v, err := release.Parse(strings.SplitN(rest, "/", 2)[0])
	if err != nil {
		t.Fatalf("matrix run %s: %v", t.Name(), err)
	}
	opts.Version = v
	if opts.Databases == nil {
		opts.Databases = map[string]emulator.Database{}
		for _, db := range matrixDatabases {
			opts.Databases[db] = emulator.Database{}
		}
	}
	return opts
}

// TestMatrixCoversEveryTest: each test of the package is in the matrix, cheap or expensive, or
// said to be left out and why, so that a new test is not left out by accident.
func TestMatrixCoversEveryTest(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") {
				continue
			}
			name := fn.Name.Name
			if name == "TestMain" || strings.HasPrefix(name, "TestMatrix") {
				continue
			}
			n := 0
			for _, m := range []bool{cheapTests[name] != nil, expensiveTests[name] != nil, notInMatrix[name] != ""} {
				if m {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s (%s): in %d of cheapTests, expensiveTests, notInMatrix; want exactly one", name, f, n)
			}
		}
	}
}
