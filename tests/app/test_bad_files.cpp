// Every `hat` subcommand, given a hostile file in each file argument it takes (garbage bytes, an
// empty file, a directory, a FIFO, a missing file) while its other arguments are valid: it must
// exit with 2 and one line "hat <command>: ..." naming that file, never die of a signal or block,
// and leave the file (and the directory it sits in) byte for byte as it was (issue 15).
#include <sys/stat.h>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/fixtures.h"
#include "support/hat_process.h"

using namespace hat::test;
namespace fs = std::filesystem;

namespace {

enum class Kind { Garbage, Empty, Directory, Fifo, Missing };
const QList<Kind> kEveryKind = {Kind::Garbage, Kind::Empty, Kind::Directory, Kind::Fifo,
                                Kind::Missing};

QString kindName(Kind k) {
    switch (k) {
        case Kind::Garbage: return "garbage";
        case Kind::Empty: return "empty";
        case Kind::Directory: return "directory";
        case Kind::Fifo: return "fifo";
        case Kind::Missing: return "missing";
    }
    return {};
}

// One file argument of one command. The hostile file is CASE/`file`, in a fresh directory CASE
// that also holds links to every file of `siblings` (a checkpoint next to its training record,
// a corpus split next to the other). In `args`, {file} stands for CASE/`file`, {dir} for CASE;
// the message must name {file}, or CASE when `namesDir` (a workspace is named by its directory).
struct Slot {
    QString command;  // as `hat --help` lists it
    QString what;     // the argument, for the test's row name
    QStringList args;
    QString file;
    QList<Kind> kinds = kEveryKind;
    QString siblings;
    bool namesDir = false;
};

// Commands that read no file the user names.
const QStringList kTakesNoFile = {"latency devices", "latency runtimes"};

// Rows that fail because of code another part of issue 15 fixes: the owner, to show in the
// expected failure. Remove a row here once its owner's fix is merged (the test then XPASSes).
const QMap<QString, QString>& knownFailures() {
    static const QMap<QString, QString> known = {};
    return known;
}

using Run = HatRun;

// Every entry under `root` (and `root` itself) with its type and, for regular files, its SHA-1:
// equal before and after means nothing was written, created or removed. FIFOs are never opened.
QMap<QString, QByteArray> snapshot(const QString& root) {
    QMap<QString, QByteArray> out;
    auto add = [&](const QString& path, const QString& name) {
        std::error_code ec;
        const fs::file_status st = fs::status(path.toStdString(), ec);
        if (ec || !fs::exists(st)) {
            out[name] = "missing";
        } else if (fs::is_regular_file(st)) {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            out[name] = "file " + QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1).toHex();
        } else {
            out[name] = "type " + QByteArray::number(static_cast<int>(st.type()));
        }
    };
    add(root, ".");
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        add(path, QDir(root).relativeFilePath(path));
    }
    return out;
}

void writeFile(const QString& path, const std::string& bytes) {
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

// Bytes no reader accepts: a fixed pseudo-random block with NULs and invalid UTF-8.
std::string garbage() {
    std::mt19937 rng(15);
    std::string s(4096, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
}

void makeHostile(const QString& path, Kind kind) {
    switch (kind) {
        case Kind::Garbage: writeFile(path, garbage()); break;
        case Kind::Empty: writeFile(path, ""); break;
        case Kind::Directory: QDir().mkpath(path); break;
        case Kind::Fifo: QVERIFY(::mkfifo(path.toLocal8Bit().constData(), 0600) == 0); break;
        case Kind::Missing: break;
    }
}

const char* kArch =
    "encoder-embed-dim-subtransformer: 640\n"
    "decoder-embed-dim-subtransformer: 512\n"
    "encoder-ffn-embed-dim-all-subtransformer: [3072, 3072, 2048, 3072, 1024, 3072]\n"
    "decoder-ffn-embed-dim-all-subtransformer: [2048, 3072]\n"
    "encoder-layer-num-subtransformer: 6\n"
    "decoder-layer-num-subtransformer: 2\n"
    "encoder-self-attention-heads-all-subtransformer: [8, 8, 4, 8, 8, 4]\n"
    "decoder-self-attention-heads-all-subtransformer: [4, 8]\n"
    "decoder-ende-attention-heads-all-subtransformer: [8, 8]\n"
    "decoder-arbitrary-ende-attn-all-subtransformer: [-1, 2]\n";

// A few sentence pairs: enough for the readers, which is all a hostile-file test reaches.
const char* kEnglish = "The house is small .\nI like green tea .\nWhere is the station ?\n";
const char* kGerman = "Das Haus ist klein .\nIch mag grünen Tee .\nWo ist der Bahnhof ?\n";

}  // namespace

class TestBadFiles : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp;
    QList<Slot> slots;
    int caseNumber = 0;

    QString valid(const QString& name) const { return tmp.filePath("valid/" + name); }

    void buildSlots() {
        const QString space = QString::fromStdString(sourcePath("data/spaces/space0.yml"));
        const QString checkpoint = QString::fromStdString(sourcePath("data/demo/checkpoint_last.pt"));
        const QString dict = QString::fromStdString(sourcePath("data/demo/dict.txt"));
        const QString spm = QString::fromStdString(sourcePath("data/demo/spm.model"));
        const QString predictor = QString::fromStdString(sourcePath("data/latency/local/space0_1t.pt"));
        const QString dataset = QString::fromStdString(sourcePath("data/latency/local/space0_1t.csv"));
        const QString dataDir = QString::fromStdString(sourcePath("data"));
        const QString arch = valid("arch.yml"), corpus = valid("corpus");
        const QString out = tmp.filePath("out");
        const QList<Kind> existing = {Kind::Garbage, Kind::Empty, Kind::Directory, Kind::Fifo};
        const QList<Kind> text = {Kind::Empty, Kind::Directory, Kind::Fifo, Kind::Missing};
        const QString ws = "{dir}";
        const QString device = "local/1t";
        auto workspaceSlot = [&](const QString& command, QStringList args) {
            slots.append({command, "--workspace", args, "workspace.db", kEveryKind, {}, true});
        };
        slots = {
            {"arch info", "--space", {"arch", "info", "--space", "{file}", arch}, "space.yml"},
            {"arch info", "ARCH.yml", {"arch", "info", "--space", space, "{file}"}, "arch.yml"},
            {"arch sample", "--space", {"arch", "sample", "--space", "{file}", "--seed", "1"}, "space.yml"},
            {"arch weights", "--space",
             {"arch", "weights", "--checkpoint", checkpoint, "--space", "{file}", arch, "--out", out + "/w.pt"},
             "space.yml"},
            {"arch weights", "ARCH.yml",
             {"arch", "weights", "--checkpoint", checkpoint, "--space", space, "{file}", "--out", out + "/w.pt"},
             "arch.yml"},
            {"arch weights", "--checkpoint",
             {"arch", "weights", "--checkpoint", "{file}", "--space", space, arch, "--out", out + "/w.pt"},
             "checkpoint.pt"},
            {"bleu", "HYP", {"bleu", "{file}", valid("ref.txt")}, "hyp.txt"},
            {"bleu", "REF", {"bleu", valid("hyp.txt"), "{file}"}, "ref.txt"},
            {"data prepare", "--corpus",
             {"data", "prepare", "--corpus", "{dir}", "--out", out + "/prepared", "--vocab-size", "50"},
             "train.en", text, corpus},
            {"eval", "--space",
             {"eval", "--checkpoint", checkpoint, "--space", "{file}", arch, "--corpus", corpus, "--dict", dict, "--spm", spm},
             "space.yml"},
            {"eval", "ARCH.yml",
             {"eval", "--checkpoint", checkpoint, "--space", space, "{file}", "--corpus", corpus, "--dict", dict, "--spm", spm},
             "arch.yml"},
            {"eval", "--checkpoint",
             {"eval", "--checkpoint", "{file}", "--space", space, arch, "--corpus", corpus, "--dict", dict, "--spm", spm},
             "checkpoint.pt"},
            {"eval", "train_options.json",
             {"eval", "--checkpoint", "{dir}/checkpoint_last.pt", "--space", space, arch, "--corpus", corpus, "--dict", dict, "--spm", spm},
             "train_options.json", existing, valid("checkpoint")},
            {"eval", "--dict",
             {"eval", "--checkpoint", checkpoint, "--space", space, arch, "--corpus", corpus, "--dict", "{file}", "--spm", spm},
             "dict.txt"},
            {"eval", "--spm",
             {"eval", "--checkpoint", checkpoint, "--space", space, arch, "--corpus", corpus, "--dict", dict, "--spm", "{file}"},
             "spm.model"},
            {"eval", "--corpus",
             {"eval", "--checkpoint", checkpoint, "--space", space, arch, "--corpus", "{dir}", "--dict", dict, "--spm", spm},
             "valid.en", text, corpus},
            {"latency measure", "--space",
             {"latency", "measure", "--space", "{file}", "--out", out + "/m.csv", "--samples", "1", "--runs", "1", "--warmups", "0", "--quiet"},
             "space.yml"},
            {"latency measure", "--arch",
             {"latency", "measure", "--space", space, "--out", out + "/m.csv", "--arch", "{file}", "--runs", "1", "--warmups", "0", "--quiet"},
             "arch.yml"},
            // An existing dataset is read before rows are added; a missing or empty one is new.
            {"latency measure", "--out",
             {"latency", "measure", "--space", space, "--out", "{file}", "--samples", "1", "--runs", "1", "--warmups", "0", "--quiet"},
             "latency.csv", {Kind::Garbage, Kind::Directory, Kind::Fifo}},
            {"latency predict", "--predictor", {"latency", "predict", "--predictor", "{file}", "--space", space, arch}, "predictor.pt"},
            {"latency predict", "--space", {"latency", "predict", "--predictor", predictor, "--space", "{file}", arch}, "space.yml"},
            {"latency predict", "ARCH.yml", {"latency", "predict", "--predictor", predictor, "--space", space, "{file}"}, "arch.yml"},
            {"predictor eval", "--predictor", {"predictor", "eval", "--predictor", "{file}", "--dataset", dataset}, "predictor.pt"},
            {"predictor eval", "--dataset", {"predictor", "eval", "--predictor", predictor, "--dataset", "{file}"}, "latency.csv"},
            {"predictor train", "--dataset",
             {"predictor", "train", "--dataset", "{file}", "--out", out + "/p.pt", "--steps", "1", "--folds", "0", "--quiet"},
             "latency.csv"},
            {"predictor train", "--space",
             {"predictor", "train", "--dataset", dataset, "--out", out + "/p.pt", "--space", "{file}", "--steps", "1", "--folds", "0", "--quiet"},
             "space.yml"},
            {"train", "--space",
             {"train", "--corpus", corpus, "--dict", dict, "--spm", spm, "--space", "{file}", "--out", out + "/train", "--max-updates", "1"},
             "space.yml"},
            {"train", "--dict",
             {"train", "--corpus", corpus, "--dict", "{file}", "--spm", spm, "--space", space, "--out", out + "/train", "--max-updates", "1"},
             "dict.txt"},
            {"train", "--spm",
             {"train", "--corpus", corpus, "--dict", dict, "--spm", "{file}", "--space", space, "--out", out + "/train", "--max-updates", "1"},
             "spm.model"},
            {"train", "--corpus",
             {"train", "--corpus", "{dir}", "--dict", dict, "--spm", spm, "--space", space, "--out", out + "/train", "--max-updates", "1"},
             "train.en", text, corpus},
        };
        const QStringList init = {"workspace", "init", out + "/ws", "--devices", device, "--data-dir", dataDir};
        slots.append({"workspace init", "--space",
                      init + QStringList{"--space", "{file}", "--checkpoint", checkpoint, "--corpus", corpus, "--dict", dict, "--spm", spm},
                      "space.yml"});
        slots.append({"workspace init", "--checkpoint",
                      init + QStringList{"--space", space, "--checkpoint", "{file}", "--corpus", corpus, "--dict", dict, "--spm", spm},
                      "checkpoint.pt"});
        slots.append({"workspace init", "train_options.json",
                      init + QStringList{"--space", space, "--checkpoint", "{dir}/checkpoint_last.pt", "--corpus", corpus, "--dict", dict, "--spm", spm},
                      "train_options.json", existing, valid("checkpoint")});
        slots.append({"workspace init", "--dict",
                      init + QStringList{"--space", space, "--checkpoint", checkpoint, "--corpus", corpus, "--dict", "{file}", "--spm", spm},
                      "dict.txt"});
        slots.append({"workspace init", "--spm",
                      init + QStringList{"--space", space, "--checkpoint", checkpoint, "--corpus", corpus, "--dict", dict, "--spm", "{file}"},
                      "spm.model"});
        slots.append({"workspace init", "--corpus",
                      init + QStringList{"--space", space, "--checkpoint", checkpoint, "--corpus", "{dir}", "--dict", dict, "--spm", spm},
                      "valid.en", text, corpus});
        // DIR must be a directory: a file or a FIFO in its place is refused, not replaced.
        slots.append({"workspace init", "DIR",
                      {"workspace", "init", "{file}", "--space", space, "--checkpoint", checkpoint, "--corpus", corpus,
                       "--dict", dict, "--spm", spm, "--devices", device, "--data-dir", dataDir},
                      "ws", {Kind::Garbage, Kind::Fifo}});
        workspaceSlot("compare", {"compare", "--workspace", ws});
        workspaceSlot("export", {"export", "--workspace", ws, "--run", "1"});
        workspaceSlot("pareto", {"pareto", "--workspace", ws, "--device", device});
        workspaceSlot("search", {"search", "--workspace", ws, "--device", device, "--max-latency-ms", "100", "--quiet"});
        workspaceSlot("workspace copy", {"workspace", "copy", ws, out + "/copy"});
        workspaceSlot("workspace measure", {"workspace", "measure", "--workspace", ws, "--device", device});
    }

    // The commands `hat --help` lists, so that a new command without a row fails the test.
    QStringList listedCommands() {
        const Run r = runHat({"--help"}, withTimeout(60000));
        QStringList names;
        bool inList = false;
        for (const QString& line : r.out.split('\n')) {
            if (line == "commands:") {
                inList = true;
            } else if (inList && line.trimmed().isEmpty()) {
                break;
            } else if (inList) {
                names << line.trimmed().split(QRegularExpression("\\s{2,}")).first();
            }
        }
        return names;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp.isValid());
        QDir().mkpath(valid("corpus"));
        QDir().mkpath(valid("checkpoint"));
        QDir().mkpath(tmp.filePath("out"));
        writeFile(valid("arch.yml"), kArch);
        writeFile(valid("hyp.txt"), kGerman);
        writeFile(valid("ref.txt"), kGerman);
        for (const char* split : {"train", "valid"}) {
            writeFile(valid(QString("corpus/%1.en").arg(split)), kEnglish);
            writeFile(valid(QString("corpus/%1.de").arg(split)), kGerman);
        }
        QVERIFY(QFile::link(QString::fromStdString(sourcePath("data/demo/checkpoint_last.pt")),
                            valid("checkpoint/checkpoint_last.pt")));
        buildSlots();
    }

    void everyCommandHasARow() {
        const QStringList listed = listedCommands();
        QVERIFY2(listed.size() >= 19, qPrintable(listed.join(", ")));
        QSet<QString> covered(kTakesNoFile.begin(), kTakesNoFile.end());
        for (const Slot& s : slots) covered.insert(s.command);
        for (const QString& name : listed) {
            QVERIFY2(covered.contains(name),
                     qPrintable("hat " + name + " has no hostile-file row (or kTakesNoFile entry)"));
        }
        for (const QString& name : covered) {
            QVERIFY2(listed.contains(name), qPrintable("row for a command hat does not list: " + name));
        }
    }

    void badFile_data() {
        QTest::addColumn<int>("slot");
        QTest::addColumn<int>("kind");
        for (int i = 0; i < slots.size(); ++i) {
            for (Kind k : slots[i].kinds) {
                const QString tag = slots[i].command + " " + slots[i].what + " " + kindName(k);
                QTest::newRow(qPrintable(tag)) << i << static_cast<int>(k);
            }
        }
    }

    void badFile() {
        QFETCH(int, slot);
        QFETCH(int, kind);
        const Slot& s = slots[slot];
        const Kind k = static_cast<Kind>(kind);
        const QString dir = tmp.filePath(QString("case%1").arg(++caseNumber, 3, 10, QChar('0')));
        QVERIFY(QDir().mkpath(dir));
        if (!s.siblings.isEmpty()) {
            for (const QString& name : QDir(s.siblings).entryList(QDir::Files)) {
                if (name != s.file) QVERIFY(QFile::link(s.siblings + "/" + name, dir + "/" + name));
            }
        }
        const QString file = dir + "/" + s.file;
        makeHostile(file, k);
        QStringList args;
        for (QString a : s.args) args << a.replace("{file}", file).replace("{dir}", dir);
        const QString named = s.namesDir ? dir : file;
        const auto before = snapshot(dir);

        // A reader blocked on the FIFO never returns: give it long enough to have reached it.
        const int timeoutMs = k == Kind::Fifo ? 20000 : 180000;
        const Run r = runHat(args, withTimeout(timeoutMs));
        QStringList problems;
        const QString prefix = "hat " + s.command + ": ";
        const QStringList lines = r.err.trimmed().split('\n');
        const QString last = lines.last();
        if (!r.started) {
            problems << "hat did not start";
        } else if (!r.finished) {
            problems << QString("still running after %1 s (blocked on the file?)").arg(timeoutMs / 1000);
        } else if (r.crashed) {
            problems << "killed by a signal";
        } else if (r.code != 2) {
            problems << QString("exit code %1, expected 2").arg(r.code);
        }
        if (r.finished && !last.startsWith(prefix)) problems << "the last stderr line is not '" + prefix + "...'";
        if (r.finished && !last.contains(named)) problems << "the message does not name " + named;
        if (lines.filter(QRegularExpression("^" + QRegularExpression::escape(prefix))).size() > 1) {
            problems << "more than one error line";
        }
        if (r.err.contains(QRegularExpression("[\\x00-\\x08\\x0b-\\x1f\\x7f]"))) problems << "control bytes in the message";
        if (snapshot(dir) != before) problems << "the hostile file or its directory changed";
        const QString report = problems.join("; ") + "\n  hat " + args.join(' ') + "\n  exit " +
                               QString::number(r.code) + ", stderr: " + r.err.trimmed().right(600);
        const auto known = knownFailures().find(QTest::currentDataTag());
        if (known != knownFailures().end()) QEXPECT_FAIL("", qPrintable(known.value()), Abort);
        QVERIFY2(problems.isEmpty(), qPrintable(report));
    }
};

QTEST_GUILESS_MAIN(TestBadFiles)
#include "test_bad_files.moc"
