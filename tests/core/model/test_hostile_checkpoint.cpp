// Hostile checkpoints (issue 15): files whose pickle declares more than the file stores, whose
// width divisor is 0 or negative, and writes that fail half way. Each is refused with one line
// naming the file, never a signal, and leaves its input as it was and no temporary file behind.
#include <sys/stat.h>

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/model/checkpoint.h"
#include "core/space/subconfig_io.h"
#include "support/file_fingerprint.h"
#include "support/fixtures.h"
#include "support/hat_process.h"
#include "support/hostile_archive.h"

using namespace hat;
using namespace hat::test;

namespace {
using Run = HatRun;
void writeBytes(const std::string& path, const std::vector<char>& bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
std::string floats(int n) {
    std::string s(static_cast<size_t>(n) * sizeof(float), '\0');
    for (int i = 0; i < n; ++i) {
        const float v = static_cast<float>(i);
        std::memcpy(&s[static_cast<size_t>(i) * sizeof(float)], &v, sizeof v);
    }
    return s;
}
// Files in `dir` whose name says they are temporary.
QStringList temporaries(const QString& dir) {
    QStringList out;
    for (const QString& f : QDir(dir).entryList(QDir::Files | QDir::Hidden)) {
        if (f.contains(".tmp")) out << f;
    }
    return out;
}
}  // namespace

class TestHostileCheckpoint : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    DesignSpace space = smallSpace();
    QString spaceFile, archFile, good;
    std::vector<char> goodBytes;

    std::string path(const char* name) const { return dir.filePath(name).toStdString(); }
    // The one-tensor file {"w": HostileTensor} over record `record`.
    std::string hostile(const char* name, const HostileTensor& t, const std::string& record) {
        writeBytes(path(name), tensorArchive(tensorDictPickle({t}), {{t.key, record}}));
        return path(name);
    }
    // The good checkpoint with its width divisor entry replaced.
    QString withDivisor(const char* name, const torch::Tensor& divisor) {
        TensorDict d = loadTensorDict(good.toStdString());
        d["hat_explorer.width_divisor"] = divisor;
        saveTensorDict(d, path(name));
        return dir.filePath(name);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        spaceFile = dir.filePath("small.yml");
        std::ofstream(spaceFile.toStdString()) << space.toYaml();
        archFile = dir.filePath("arch.yml");
        std::ofstream(archFile.toStdString()) << subConfigToYaml(SubConfig::largest(space));
        ModelOptions o;
        o.space = space;
        o.vocabSize = 100;
        torch::manual_seed(1);
        good = dir.filePath("good.pt");
        saveSuperTransformer(SuperTransformer(o), good.toStdString());
        goodBytes = readFileBytes(good.toStdString());
    }

    void handBuiltArchivesLoadAsTorchSaveFiles() {
        // The positive control: the builder's files are what torch.save writes, so the refusals
        // below are about the sizes alone.
        const auto p = hostile("plain.pt", {"w", "FloatStorage", "0", 6, 0, {2, 3}, {3, 1}}, floats(6));
        const TensorDict d = loadTensorDict(p);
        QVERIFY(torch::equal(d.at("w"), torch::arange(6, torch::kFloat).view({2, 3})));
        // A strided view inside its storage is fine: elements 1 and 3.
        const auto v = hostile("view.pt", {"w", "FloatStorage", "0", 6, 1, {2}, {2}}, floats(6));
        QVERIFY(torch::equal(loadTensorDict(v).at("w"), torch::tensor({1.0f, 3.0f})));
        // An empty tensor over an empty record.
        const auto e = hostile("empty.pt", {"w", "FloatStorage", "0", 0, 0, {0, 4}, {4, 1}}, "");
        QCOMPARE(loadTensorDict(e).at("w").numel(), int64_t(0));
    }

    void storageLargerThanItsRecordIsRefused() {
        // Declares 2^20 floats over a 24-byte record: LibTorch's pickle_load builds the tensor,
        // and reading it ran 4 MB past the buffer.
        const auto p = hostile("big.pt", {"w", "FloatStorage", "0", 1 << 20, 0, {1 << 20}, {1}}, floats(6));
        const auto n = hostile("negative.pt", {"w", "FloatStorage", "0", -1, 0, {1}, {1}}, floats(6));
        const auto before = fingerprint(dir.path());
        const std::string m = errorOf([&] { loadTensorDict(p); });
        QVERIFY2(m.find(p + ": tensor 'w' declares 4194304 bytes of storage, but its record 'data/0' holds 24") == 0,
                 m.c_str());
        // A negative count is the same lie, wrapped around.
        // (LibTorch itself may notice that one first; either way the message names the file.)
        QVERIFY2(errorOf([&] { loadTensorDict(n); }).rfind(n + ": ", 0) == 0, errorOf([&] { loadTensorDict(n); }).c_str());
        QCOMPARE(fingerprint(dir.path()), before);
    }

    void tensorsReachingPastTheirStorageAreRefused() {
        struct Case {
            const char* file;
            HostileTensor t;
        };
        const std::vector<Case> cases = {
            {"shape.pt", {"w", "FloatStorage", "0", 6, 0, {100}, {1}}},           // more elements
            {"offset.pt", {"w", "FloatStorage", "0", 6, 5, {2}, {1}}},            // offset 5 + 2
            {"stride.pt", {"w", "FloatStorage", "0", 6, 0, {2, 3}, {3, 3}}},      // last at 3 + 6
            {"wide.pt", {"w", "DoubleStorage", "0", 6, 0, {6}, {1}}},             // 48 bytes from 24
            {"huge.pt", {"w", "FloatStorage", "0", 6, 0, {int64_t(1) << 62, 4}, {4, 1}}},  // overflows
        };
        for (const auto& c : cases) {
            const auto p = hostile(c.file, c.t, floats(6));
            const std::string m = errorOf([&] { loadTensorDict(p); });
            QVERIFY2(m.rfind(p + ": ", 0) == 0 && m.find('\n') == std::string::npos, (std::string(c.file) + ": " + m).c_str());
        }
        const auto p = path("shape.pt");
        QVERIFY(errorOf([&] { loadTensorDict(p); }).find("tensor 'w' (shape [100], offset 0) reaches beyond its 24-byte storage") != std::string::npos);
    }

    void aRecordClaimingMoreThanTheFileIsRefusedBeforeAllocating() {
        // The good checkpoint with its largest record marked deflated (method 8) in the zip's
        // central directory, claiming 4 GiB - 16 uncompressed: read as claimed, LibTorch would
        // allocate 4 GiB before inflating fails. (A stored record's claim must equal its bytes,
        // which the zip reader already checks.)
        const std::string record = largestRecord(goodBytes);
        std::vector<char> bytes = goodBytes;
        bool patched = false;
        uint32_t storedBytes = 0;
        for (size_t i = 0; i + 46 < bytes.size() && !patched; ++i) {
            if (std::memcmp(&bytes[i], "PK\x01\x02", 4) != 0) continue;
            const size_t nameLen = static_cast<unsigned char>(bytes[i + 28]) | static_cast<unsigned char>(bytes[i + 29]) << 8;
            const std::string name(&bytes[i + 46], nameLen);
            if (name.size() < record.size() || name.compare(name.size() - record.size(), record.size(), record) != 0) continue;
            QVERIFY2(static_cast<unsigned char>(bytes[i + 24]) != 0xff, "the fixture's record sizes are not zip64");
            storedBytes = static_cast<unsigned char>(bytes[i + 20]) | static_cast<unsigned char>(bytes[i + 21]) << 8 |
                          static_cast<unsigned char>(bytes[i + 22]) << 16 | uint32_t(static_cast<unsigned char>(bytes[i + 23])) << 24;
            bytes[i + 10] = 8;  // deflate
            const uint32_t huge = 0xfffffff0u;
            for (int b = 0; b < 4; ++b) bytes[i + 24 + b] = static_cast<char>((huge >> (8 * b)) & 0xff);
            patched = true;
        }
        QVERIFY(patched);
        const QString bad = dir.filePath("claims_4gib.pt");
        writeBytes(bad.toStdString(), bytes);
        QCOMPARE(QString::fromStdString(errorOf([&] { loadSuperTransformer(bad.toStdString(), &space); })),
                 QString("%1: record '%2' claims 4294967280 bytes from %3 stored, more than any compression gives")
                     .arg(bad, QString::fromStdString(record)).arg(storedBytes));
    }

    void picklesClaimingMoreThanTheyHoldAreRefusedBeforeAllocating() {
        // LibTorch's Unpickler makes room for what an opcode claims before reading it: this
        // 9-byte string claim would allocate 4 GiB, the memo slot 64 GiB (both found by
        // fuzz_predictor in 6 KB predictor files).
        const std::string u32 = "\xf0\xff\xff\xff";
        const std::vector<std::pair<const char*, std::string>> cases{
            {"string.pt", std::string("\x80\x02X") + u32 + "abc"},
            {"memo.pt", std::string("\x80\x02}r") + u32 + "."},
            {"bytes8.pt", std::string("\x80\x02\x8e") + u32 + u32 + "."},
        };
        const std::vector<std::string> says{
            "'data.pkl' claims a 4294967280-byte value at byte 2, but only 3 bytes follow: the file is damaged",
            "'data.pkl' stores into memo slot 4294967280 at byte 3, more than its 9 bytes can fill: the file is damaged",
            "'data.pkl' claims a 18446744009285042160-byte value at byte 2, but only 1 bytes follow",
        };
        for (size_t i = 0; i < cases.size(); ++i) {
            const std::string p = path(cases[i].first);
            writeBytes(p, tensorArchive(cases[i].second, {}));
            const std::string m = errorOf([&] { loadTensorDict(p); });
            QVERIFY2(m.rfind(p + ": " + says[i], 0) == 0, m.c_str());
        }
        // The same lengths when they are true load: a 3-byte string is a valid (if useless) pickle
        // whose refusal comes later, from the loader's own checks, not from the walk.
        const std::string p = path("true_length.pt");
        writeBytes(p, tensorArchive(std::string("\x80\x02X\x03\x00\x00\x00abc."), {}));
        const std::string m = errorOf([&] { loadTensorDict(p); });
        QVERIFY2(m.find("claims") == std::string::npos && m.find("memo slot") == std::string::npos, m.c_str());
    }

    void checkpointWithATruncatedRecord() {
        // The good checkpoint with its largest tensor's record cut to half.
        const std::string record = largestRecord(goodBytes);
        const std::string bytes = archiveRecords(goodBytes).at(record);
        const QString bad = dir.filePath("truncated.pt");
        writeBytes(bad.toStdString(), withRecord(goodBytes, record, bytes.substr(0, bytes.size() / 2)));
        const std::string m = errorOf([&] { loadSuperTransformer(bad.toStdString(), &space); });
        QVERIFY2(m.find(bad.toStdString() + ": tensor '") == 0 && m.find("holds " + std::to_string(bytes.size() / 2)) != std::string::npos,
                 m.c_str());
        // The CLI: exit 2, one line naming the file, nothing written.
        const auto before = fingerprint(dir.path());
        const QString out = dir.filePath("weights.pt");
        const Run r = runHat({"arch", "weights", "--checkpoint", bad, "--space", spaceFile, archFile, "--out", out});
        QVERIFY2(oneLineNaming(r, bad), qPrintable(r.err));
        QCOMPARE(fingerprint(dir.path()), before);
    }

    void widthDivisorZeroOrNegativeIsRefused() {
        // Divisor 0 was a SIGFPE in SuperTransformerImpl's member initialisers.
        ModelOptions o;
        o.space = space;
        o.vocabSize = 100;
        o.widthDivisor = 0;
        QCOMPARE(errorOf([&] { SuperTransformer m(o); }), std::string("width divisor must be at least 1, not 0"));
        for (const auto& [name, divisor, says] : std::vector<std::tuple<const char*, torch::Tensor, std::string>>{
                 {"div0.pt", torch::tensor({int64_t(0)}), "width divisor 0 (in 'hat_explorer.width_divisor') must be a positive integer"},
                 {"div-2.pt", torch::tensor({int64_t(-2)}), "width divisor -2"},
                 {"div-huge.pt", torch::tensor({int64_t(1) << 40}), "width divisor 1099511627776"},
                 {"div-float.pt", torch::tensor({0.5}), "'hat_explorer.width_divisor' must hold one integer"},
                 {"div-two.pt", torch::tensor({int64_t(1), int64_t(2)}), "must hold one integer"},
                 {"div3.pt", torch::tensor({int64_t(3)}), "is not divisible by the width divisor 3"}}) {
            const QString bad = withDivisor(name, divisor);
            const std::string m = errorOf([&] { loadSuperTransformer(bad.toStdString(), &space); });
            QVERIFY2(m.rfind(bad.toStdString() + ": ", 0) == 0 && m.find(says) != std::string::npos, m.c_str());
        }
        // A HAT state dict loaded at a divisor the caller gives names the file too.
        const std::string m = errorOf([&] { loadHatStateDictFile(good.toStdString(), space, 0); });
        QCOMPARE(m, good.toStdString() + ": width divisor must be at least 1, not 0");

        // Every command that loads it: one line naming the file, exit 2, nothing written.
        const QString bad = dir.filePath("div0.pt");
        const auto before = fingerprint(dir.path());
        Run r = runHat({"arch", "weights", "--checkpoint", bad, "--space", spaceFile, archFile, "--out", dir.filePath("w.pt")});
        QVERIFY2(oneLineNaming(r, bad), qPrintable(r.err));
        r = runHat({"eval", "--checkpoint", bad, "--space", spaceFile, archFile, "--corpus", dir.path(), "--dict", dir.filePath("dict.txt")});
        QVERIFY2(oneLineNaming(r, bad), qPrintable(r.err));
        QCOMPARE(fingerprint(dir.path()), before);
        // `hat workspace init` refuses it instead of recording it for the first search to crash on.
        const QString ws = dir.filePath("ws");
        r = runHat({"workspace", "init", ws, "--space", spaceFile, "--checkpoint", bad, "--corpus", dir.path(), "--dict",
                    dir.filePath("dict.txt"), "--devices", "hat/wmt14ende_cpu_raspberrypi", "--data-dir",
                    QString::fromStdString(sourcePath("data"))});
        QVERIFY2(oneLineNaming(r, bad), qPrintable(r.err));
        QVERIFY(!QFile::exists(ws + "/workspace.db"));
        QCOMPARE(fingerprint(dir.path()), before);
    }

    void archWeightsLeavesNoTemporaryFile() {
        const auto before = fingerprint(dir.path());
        // --out names a directory: the rename fails after the whole file was written.
        const QString outDir = dir.filePath("outdir");
        QDir().mkpath(outDir + "/w.pt");
        Run r = runHat({"arch", "weights", "--checkpoint", good, "--space", spaceFile, archFile, "--out", outDir + "/w.pt"});
        QVERIFY2(oneLineNaming(r, outDir + "/w.pt"), qPrintable(r.err));
        QVERIFY2(temporaries(outDir).isEmpty(), qPrintable(temporaries(outDir).join(' ')));
        // A disk that fills up part way through (a 16 KiB file size limit; the weights are larger).
        const QString full = dir.filePath("full");
        QDir().mkpath(full);
        r = runHat({"arch", "weights", "--checkpoint", good, "--space", spaceFile, archFile, "--out", full + "/w.pt"}, 16);
        QVERIFY2(oneLineNaming(r, full + "/w.pt") && r.err.contains("File too large"), qPrintable(r.err));
        QVERIFY2(QDir(full).entryList(QDir::Files | QDir::Hidden).isEmpty(), qPrintable(QDir(full).entryList(QDir::Files | QDir::Hidden).join(' ')));
        // Without the limit the same command writes the file, and only it.
        r = runHat({"arch", "weights", "--checkpoint", good, "--space", spaceFile, archFile, "--out", full + "/w.pt"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QDir(full).entryList(QDir::Files | QDir::Hidden), QStringList{"w.pt"});
        QVERIFY(QFileInfo(full + "/w.pt").size() > 16 * 1024);
        QDir(outDir).removeRecursively();
        QDir(full).removeRecursively();
        QCOMPARE(fingerprint(dir.path()), before);
    }

    void specialFilesAreRefusedWithoutBlocking() {
        // A FIFO would block the reader forever; a directory reads as nothing.
        const std::string fifo = path("fifo.pt");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QCOMPARE(errorOf([&] { loadTensorDict(fifo); }), fifo + ": is not a regular file");
        QCOMPARE(errorOf([&] { loadTensorDict(dir.path().toStdString()); }), dir.path().toStdString() + ": is not a regular file");
        ::unlink(fifo.c_str());
    }
};

QTEST_APPLESS_MAIN(TestHostileCheckpoint)
#include "test_hostile_checkpoint.moc"
