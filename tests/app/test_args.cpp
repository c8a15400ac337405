// The command-line parser every `hat` subcommand uses (app/cli/args.h), on a table of its own.
#include <QtTest>

#include "app/cli/args.h"

using namespace hat::cli;

namespace {

const CommandSpec& spec() {
    static const CommandSpec s{
        "demo run",
        "a command for the tests",
        "--in FILE [--threads T] [--ratio X] [--quiet] ARG...",
        "Reads FILE and does nothing with it.",
        {{"ARG", "anything"}},
        {valueOption("--in", "FILE", "the input file"),
         valueOption("--threads", "T", "worker threads", "4"),
         valueOption("--ratio", "X", "a fraction", "0.25"),
         valueOption("--label", "NAME", "a name without a default"),
         switchOption("--quiet", "no progress lines"), switchOption("--json", "print JSON")},
    };
    return s;
}

// The UsageError message `words` give, or "" when they parse.
std::string usageError(const std::vector<std::string>& words) {
    try {
        const Args args(words, spec());
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

bool asksForHelp(const std::vector<std::string>& words) {
    try {
        const Args args(words, spec());
    } catch (const HelpRequested&) {
        return true;
    } catch (const UsageError&) {
    }
    return false;
}

}  // namespace

class TestArgs : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void valuesSwitchesAndPositionals() {
        const Args a({"x.txt", "--in", "a.csv", "--quiet", "--threads=2", "y.txt"}, spec());
        QCOMPARE(a.get("--in"), std::string("a.csv"));
        QCOMPARE(a.require("--in"), std::string("a.csv"));
        QCOMPARE(a.getInt("--threads"), 2);
        QVERIFY(a.has("--quiet"));
        QVERIFY(!a.has("--json"));
        QVERIFY(!a.has("--ratio"));
        QCOMPARE(a.positional(), (std::vector<std::string>{"x.txt", "y.txt"}));
        a.expectPositional(2, "two files");
        QVERIFY_THROWS_EXCEPTION(UsageError, a.expectPositional(1, "one file"));
        // "-" alone is a positional (a file name convention), and a value may start with '-'.
        const Args b({"-", "--threads", "-3"}, spec());
        QCOMPARE(b.positional(), std::vector<std::string>{"-"});
        QCOMPARE(b.getInt("--threads"), -3);
    }

    void defaultsComeFromTheTable() {
        const Args a({}, spec());
        QCOMPARE(a.get("--threads"), std::string("4"));
        QCOMPARE(a.getInt("--threads"), 4);
        QCOMPARE(a.getDouble("--ratio"), 0.25);
        QCOMPARE(a.getInt("--threads", 9), 9);  // an explicit fallback wins over the table
        QCOMPARE(a.get("--label"), std::string());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, a.getInt("--label"));  // declares no default
        QCOMPARE(std::string(usageError({"--ratio", "abc"})), std::string());  // parsed on read
        const Args bad({"--ratio", "abc"}, spec());
        try {
            bad.getDouble("--ratio");
            QFAIL("no error");
        } catch (const UsageError& e) {
            QCOMPARE(std::string(e.what()), std::string("--ratio expects a number, got 'abc'"));
        }
        try {
            const Args missing({}, spec());
            missing.require("--in");
            QFAIL("no error");
        } catch (const UsageError& e) {
            QCOMPARE(std::string(e.what()), std::string("missing required option --in"));
        }
    }

    void readingAnUndeclaredOptionIsABug() {
        const Args a({}, spec());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, a.has("--nope"));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, a.get("--nope"));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, a.get("--nope", "x"));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, a.getInt("--nope", 1));
    }

    void doubleDashEndsOptions() {
        const Args a({"--quiet", "--", "--in", "-h", "--bogus", "--"}, spec());
        QVERIFY(a.has("--quiet"));
        QVERIFY(!a.has("--in"));
        QCOMPARE(a.positional(), (std::vector<std::string>{"--in", "-h", "--bogus", "--"}));
    }

    void mistakesAreNamed() {
        QCOMPARE(usageError({"--in", "a", "--in", "b"}), std::string("--in given twice"));
        QCOMPARE(usageError({"--quiet", "--quiet"}), std::string("--quiet given twice"));
        QCOMPARE(usageError({"--in=a", "--in", "b"}), std::string("--in given twice"));
        QCOMPARE(usageError({"--bogus"}), std::string("unknown option --bogus"));
        QCOMPARE(usageError({"-x"}), std::string("unknown option -x"));
        QCOMPARE(usageError({"a", "--in"}), std::string("--in needs a value"));
        QCOMPARE(usageError({"--quiet=yes"}), std::string("--quiet takes no value"));
        // The first mistake is the one reported.
        QCOMPARE(usageError({"--nope", "--in"}), std::string("unknown option --nope"));
    }

    void unknownOptionsSuggestTheNearestName() {
        QCOMPARE(usageError({"--treads", "2"}),
                 std::string("unknown option --treads (did you mean --threads?)"));
        QCOMPARE(usageError({"-json"}), std::string("unknown option -json (did you mean --json?)"));
        QCOMPARE(usageError({"--rat", "1"}),
                 std::string("unknown option --rat (did you mean --ratio?)"));  // a prefix
        QCOMPARE(nearestOption(spec(), "--hepl"), std::string("--help"));
        QCOMPARE(nearestOption(spec(), "--xyz"), std::string());
        QCOMPARE(nearestOption(spec(), "-"), std::string());
        // Abbreviations are only suggested, never taken for the option.
        QCOMPARE(usageError({"--qui"}),
                 std::string("unknown option --qui (did you mean --quiet?)"));
    }

    void helpWinsOverOtherMistakes() {
        QVERIFY(asksForHelp({"--help"}));
        QVERIFY(asksForHelp({"-h"}));
        QVERIFY(asksForHelp({"--bogus", "-h"}));
        QVERIFY(asksForHelp({"--in", "a", "--in", "b", "--help"}));
        QVERIFY(!asksForHelp({"--", "--help"}));       // a file named --help
        QVERIFY(!asksForHelp({"--label", "--help"}));  // the value of --label
        const Args a({"--label", "--help"}, spec());
        QCOMPARE(a.get("--label"), std::string("--help"));
    }

    void helpIsGeneratedFromTheTable() {
        const QString help = QString::fromStdString(helpText(spec()));
        QVERIFY2(
            help.startsWith("usage: hat demo run --in FILE [--threads T] [--ratio X] [--quiet] "
                            "ARG...\n"),
            qPrintable(help));
        QVERIFY(help.contains("\na command for the tests\n"));
        QVERIFY(help.contains("\nReads FILE and does nothing with it.\n"));
        QVERIFY(help.contains("\narguments:\n  ARG "));
        QVERIFY(help.contains("\noptions:\n"));
        for (const Option& o : spec().options) {
            const QString left = QString::fromStdString(
                "  " + o.name + (o.takesValue() ? " " + o.valueName : std::string()));
            QVERIFY2(help.contains(left + " "), o.name.c_str());
            QVERIFY2(help.contains(QString::fromStdString(o.help)), o.name.c_str());
        }
        // Help aligned in one column, defaults shown, -h/--help listed.
        // The widest left column is "  --label NAME" (14), so help starts at column 16.
        QVERIFY(help.contains("\n  --in FILE     the input file\n"));
        QVERIFY(help.contains("\n  --threads T   worker threads (default: 4)\n"));
        QVERIFY(help.contains("\n  --ratio X     a fraction (default: 0.25)\n"));
        QVERIFY(help.contains("\n  --label NAME  a name without a default\n"));
        QVERIFY(help.contains("\n  --quiet       no progress lines\n"));
        QVERIFY(help.contains("\n  -h, --help    show this help and exit\n"));
        QVERIFY(help.contains("\narguments:\n  ARG           anything\n"));
        for (const QString& line : help.split('\n')) QVERIFY2(line.size() <= 80, qPrintable(line));
    }

    void longHelpIsWrapped() {
        CommandSpec s{"x", "summary", "", "", {}, {}};
        s.options.push_back(valueOption("--a-rather-long-option-name", "VALUE", "short help"));
        std::string words;
        for (int i = 0; i < 30; ++i) words += "word" + std::to_string(i) + " ";
        s.options.push_back(switchOption("--b", words));
        const QString help = QString::fromStdString(helpText(s));
        // A name too wide for the column (over 30) gets its help on the next line, at the help
        // column of the others: "  -h, --help" (12) plus two.
        const QString indent(14, ' ');
        QVERIFY2(help.contains("\n  --a-rather-long-option-name VALUE\n" + indent + "short help\n"),
                 qPrintable(help));
        QVERIFY(help.contains("\n  --b" + QString(9, ' ') + "word0 word1 "));
        for (const QString& line : help.split('\n')) QVERIFY2(line.size() <= 80, qPrintable(line));
        QVERIFY(help.contains("\n" + indent + "word"));  // continued at the help column
        QVERIFY(help.contains("word29"));
    }

    void numericDefaultsReadShort() {
        QCOMPARE(shownDefault(0.002), std::string("0.002"));
        QCOMPARE(shownDefault(0.3), std::string("0.3"));
        QCOMPARE(shownDefault(1.0), std::string("1"));
        QCOMPARE(shownDefault(1e-5), std::string("1e-05"));
    }
};

QTEST_APPLESS_MAIN(TestArgs)
#include "test_args.moc"
