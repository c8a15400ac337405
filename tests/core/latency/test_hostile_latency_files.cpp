// Hostile latency files and full disks (issue 15): a predictor whose pickle declares more than it
// stores (it printed "-nan ms" with exit 0), appends that fail half way (a full disk left a torn
// CSV row that made the dataset unreadable and unresumable), and torn rows older versions left.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "core/latency/dataset_tail.h"
#include "core/latency/latency_measure.h"
#include "core/latency/latency_predictor.h"
#include "core/model/checkpoint.h"
#include "core/space/sampling.h"
#include "core/space/subconfig_io.h"
#include "core/util/safe_write.h"
#include "support/file_fingerprint.h"
#include "support/fixtures.h"
#include "support/hat_process.h"
#include "support/hostile_archive.h"

using namespace hat;
using namespace hat::test;

namespace {
using Run = HatRun;
void writeText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
// A write that lands `budget` bytes and then fails as a full disk does.
PositionedWrite diskFullAfter(size_t budget) {
    auto left = std::make_shared<size_t>(budget);
    return [left](int fd, const void* data, size_t size, off_t offset) -> ssize_t {
        if (*left == 0) {
            errno = ENOSPC;
            return -1;
        }
        const size_t n = std::min(size, *left);
        *left -= n;
        return ::pwrite(fd, data, n, offset);
    };
}
}  // namespace

class TestHostileLatencyFiles : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    DesignSpace space = smallSpace();
    QString spaceFile;
    // The quickest protocol that runs the whole measurement.
    const QStringList quick = {"--runs", "1", "--warmups", "0", "--src-len", "4", "--tgt-len", "2", "--beam", "1", "--vocab", "16"};
    MeasureOptions quickOptions() const {
        MeasureOptions o;
        o.warmups = 0;
        o.runs = 1;
        o.srcLen = 4;
        o.tgtLen = 2;
        o.beam = 1;
        o.vocab = 16;
        return o;
    }
    std::string path(const char* name) const { return dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        spaceFile = dir.filePath("small.yml");
        std::ofstream(spaceFile.toStdString()) << space.toYaml();
    }

    void predictorWithATruncatedRecordIsRefused() {
        // HAT's Xeon predictor with its largest weight record cut to half: it was a heap
        // over-read that printed "-nan ms" with exit 0.
        const auto good = readFileBytes(fixture("hat_predictors/wmt14ende_cpu_xeon.pt"));
        const std::string record = largestRecord(good);
        const std::string bytes = archiveRecords(good).at(record);
        const QString bad = dir.filePath("xeon_truncated.pt");
        const auto badBytes = withRecord(good, record, bytes.substr(0, bytes.size() / 2));
        std::ofstream(bad.toStdString(), std::ios::binary).write(badBytes.data(), static_cast<std::streamsize>(badBytes.size()));
        const std::string m = errorOf([&] { LatencyPredictor::load(bad.toStdString(), 300); });
        QVERIFY2(m.rfind(bad.toStdString() + ": tensor '", 0) == 0 &&
                     m.find("but its record '" + record + "' holds " + std::to_string(bytes.size() / 2)) != std::string::npos,
                 m.c_str());
        // The untouched file still loads: the check refuses only the lie.
        QVERIFY(LatencyPredictor::load(fixture("hat_predictors/wmt14ende_cpu_xeon.pt"), 300).valid());

        const QString arch = dir.filePath("arch.yml");
        std::ofstream(arch.toStdString()) << subConfigToYaml(SubConfig::largest(DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"))));
        const auto before = fingerprint(dir.path());
        const Run r = runHat({"latency", "predict", "--predictor", bad, "--hat-lat-norm", "300", "--space",
                              QString::fromStdString(sourcePath("data/spaces/space0.yml")), arch});
        QVERIFY2(oneLineNaming(r, bad) && !r.out.contains("nan"), qPrintable(r.err + r.out));
        QCOMPARE(fingerprint(dir.path()), before);
    }

    void predictorWithANonFiniteWeightIsRefused() {
        TensorDict d = loadTensorDict(fixture("hat_predictors/wmt14ende_cpu_xeon.pt"));
        d.at("first_layer.weight")[0][0] = std::numeric_limits<float>::quiet_NaN();
        const std::string p = path("xeon_nan.pt");
        saveTensorDict(d, p);
        QCOMPARE(errorOf([&] { LatencyPredictor::load(p, 300); }),
                 p + ": tensor 'first_layer.weight' holds a value that is not a finite number");
    }

    void appendsAreWholeOrNotAtAll() {
        const std::string p = path("append.txt");
        // A disk that fills after 5 of the 11 bytes: the file is put back byte for byte.
        writeText(p, "abc\n");
        QCOMPARE(errorOf([&] { appendWhole(p, 4, "0123456789\n", diskFullAfter(5)); }),
                 p + ": cannot append to the file (No space left on device); it is left as it was");
        QCOMPARE(readText(p), std::string("abc\n"));
        // So is a torn tail the append would have replaced.
        writeText(p, "abc\nxy");
        QVERIFY(!errorOf([&] { appendWhole(p, 4, "0123456789\n", diskFullAfter(3)); }).empty());
        QCOMPARE(readText(p), std::string("abc\nxy"));
        // A file the failed append created is removed again.
        const std::string fresh = path("fresh.txt");
        QVERIFY(!errorOf([&] { appendWhole(fresh, 0, "header\nrow\n", diskFullAfter(4)); }).empty());
        QVERIFY(!std::filesystem::exists(fresh));
        // Success replaces whatever lay after `keep`, longer or shorter than the new text.
        appendWhole(p, 4, "12\n");
        QCOMPARE(readText(p), std::string("abc\n12\n"));
        writeText(p, "abc\nxxxxxxxxxx");
        appendWhole(p, 4, "1\n");
        QCOMPARE(readText(p), std::string("abc\n1\n"));
        // Short writes are continued, not errors.
        appendWhole(p, 6, "2\n", [](int fd, const void* data, size_t, off_t offset) { return ::pwrite(fd, data, 1, offset); });
        QCOMPARE(readText(p), std::string("abc\n1\n2\n"));
        QVERIFY(errorOf([&] { appendWhole(dir.path().toStdString(), 0, "x"); }).find("cannot open the file for writing") != std::string::npos);
    }

    void tornLastRowsAreLeftOutAndNamed() {
        // Two measured rows, then the first half of a third, as a full disk left it.
        const std::string p = path("torn.csv");
        QCOMPARE(measureDataset(space, quickOptions(), 2, 5, p), 2);
        const std::string whole = readText(p);
        LatencyMeter meter(space, quickOptions());
        const std::string third = LatencyDataset::csvRow(meter.measure(sampleConfigHat(space, 7)), true);
        writeText(p, whole + third.substr(0, third.size() / 2));
        TornRow torn;
        const LatencyDataset d = loadLatencyDataset(p, &torn);
        QCOMPARE(d.size(), size_t(2));
        QCOMPARE(torn.line, 4);
        QCOMPARE(torn.keepBytes, whole.size());
        QCOMPARE(torn.bytes, third.size() / 2);
        QCOMPARE(QString::fromStdString(tornRowNote(p, torn)),
                 QString::fromStdString(p + ":4: left out an unfinished last row (" + std::to_string(third.size() / 2) +
                                        " bytes without a newline) that an interrupted write left; `hat latency measure` "
                                        "replaces it when it resumes"));
        QCOMPARE(LatencyDataset::load(p).size(), size_t(2));

        // HAT's own files are read as they are: a last row without its newline is still a row.
        const auto hat = readText(sourcePath("data/latency/hat/wmt14ende_cpu_xeon_all.csv"));
        size_t cut = 0;
        for (int lines = 0; lines < 4; ++lines) cut = hat.find('\n', cut) + 1;
        writeText(path("hat3.csv"), hat.substr(0, cut - 1));
        QVERIFY(!findTornRow(readText(path("hat3.csv"))));
        QCOMPARE(LatencyDataset::load(path("hat3.csv")).size(), size_t(3));
        // Only the start of our header: no rows, said plainly.
        writeText(path("header.csv"), LatencyDataset::csvHeader(true).substr(0, 30));
        QCOMPARE(errorOf([&] { LatencyDataset::load(path("header.csv")); }),
                 path("header.csv") + ": holds only the start of a header, left by an interrupted write: no rows");
    }

    void protocolIntegersOutsideIntAreRefused() {
        // The fuzzer's find: src_len 6666666666 was cast to int (undefined behaviour) before this check.
        const std::string p = sourcePath("tests/fuzz/regressions/fuzz_latency_csv/protocol_int_overflow.csv");
        QCOMPARE(errorOf([&] { LatencyDataset::load(p); }),
                 p + ":2: column 'src_len' must be an integer from 0 to 2147483647");
        // One past the largest int: the bound is exact.
        std::string text = readText(p);
        text.replace(text.find("6666666666"), 10, "2147483648");
        writeText(path("int_max_plus_1.csv"), text);
        QCOMPARE(errorOf([&] { LatencyDataset::load(path("int_max_plus_1.csv")); }),
                 path("int_max_plus_1.csv") + ":2: column 'src_len' must be an integer from 0 to 2147483647");
    }

    void measuringResumesOverATornRow() {
        const std::string p = path("resume.csv");
        QCOMPARE(measureDataset(space, quickOptions(), 2, 11, p), 2);
        const std::string whole = readText(p);
        writeText(p, whole + "512,6,1024,8,512,2,15");  // a row cut off in its features
        QCOMPARE(measureDataset(space, quickOptions(), 3, 11, p), 3);
        const std::string after = readText(p);
        QCOMPARE(after.substr(0, whole.size()), whole);  // the complete rows untouched
        QVERIFY(!findTornRow(after));
        const LatencyDataset d = LatencyDataset::load(p);
        QCOMPARE(d.size(), size_t(3));
        QCOMPARE(d.samples[2].gene, configToGene(sampleConfigHat(space, 13), space));
        // A file holding only a torn header starts afresh.
        const std::string h = path("header-only.csv");
        writeText(h, LatencyDataset::csvHeader(true).substr(0, 17));
        QCOMPARE(measureDataset(space, quickOptions(), 1, 11, h), 1);
        QCOMPARE(LatencyDataset::load(h).samples[0].gene, d.samples[0].gene);
        // Rows are never added under another header (they would make the file unreadable).
        const std::string hat = path("hat-header.csv");
        writeText(hat, LatencyDataset::csvHeader(false) + "\n");
        QCOMPARE(errorOf([&] { appendSample(hat, d.samples[0]); }),
                 hat + ": has other columns than `hat latency measure` writes; measure into a new file");
        QCOMPARE(readText(hat), LatencyDataset::csvHeader(false) + "\n");
    }

    void measureOnAFullDisk() {
        // One row, then a file size limit just above it: a later row crosses the limit part way.
        const QString out = dir.filePath("full.csv");
        Run r = runHat(QStringList{"latency", "measure", "--space", spaceFile, "--out", out, "--samples", "1", "--seed", "3",
                                   "--quiet"} + quick);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const std::string first = readText(out.toStdString());
        const int limitKiB = static_cast<int>(first.size() / 1024 + 1);
        r = runHat(QStringList{"latency", "measure", "--space", spaceFile, "--out", out, "--samples", "40", "--seed", "3",
                               "--quiet"} + quick,
                   limitKiB);
        QVERIFY2(oneLineNaming(r, out) && r.err.contains("File too large") && r.err.contains("left as it was"), qPrintable(r.err));
        const std::string cut = readText(out.toStdString());
        QCOMPARE(cut.substr(0, first.size()), first);  // what was there is still there
        QVERIFY(cut.size() <= static_cast<size_t>(limitKiB) * 1024);
        QVERIFY(!findTornRow(cut) && cut.back() == '\n');
        const size_t rows = LatencyDataset::load(out.toStdString()).size();
        QVERIFY(rows >= 1 && rows < 40);
        // With room again the same command resumes and finishes.
        r = runHat(QStringList{"latency", "measure", "--space", spaceFile, "--out", out, "--samples", QString::number(rows + 2),
                               "--seed", "3", "--quiet"} + quick);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const LatencyDataset d = LatencyDataset::load(out.toStdString());
        QCOMPARE(d.size(), rows + 2);
        QCOMPARE(d.samples.back().gene, configToGene(sampleConfigHat(space, 3 + rows + 1), space));
    }

    void measureNotesATornRowAnOlderVersionLeft() {
        const QString out = dir.filePath("old.csv");
        QCOMPARE(measureDataset(space, quickOptions(), 2, 21, out.toStdString()), 2);
        const std::string whole = readText(out.toStdString());
        writeText(out.toStdString(), whole + "64,3,128,4,64,3,12");
        const Run r = runHat(QStringList{"latency", "measure", "--space", spaceFile, "--out", out, "--samples", "3", "--seed", "21",
                                         "--quiet"} + quick);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(out + ":4: left out an unfinished last row (18 bytes"), qPrintable(r.err));
        QCOMPARE(LatencyDataset::load(out.toStdString()).size(), size_t(3));
    }
};

QTEST_APPLESS_MAIN(TestHostileLatencyFiles)
#include "test_hostile_latency_files.moc"
