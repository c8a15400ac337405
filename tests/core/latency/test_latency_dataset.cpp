// HAT's latency CSVs: reading, writing back, refusing malformed rows with file and line, and the
// fixed seeded split.
#include <QtTest>

#include <set>

#include "core/latency/latency_dataset.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
const std::string kHeader = LatencyDataset::csvHeader(false);
const std::string kRow = "640,6,1194.6666666666667,4.666666666666667,640,3,1877.3333333333333,4.0,"
                         "5.333333333333333,2.0,9.922519326210022,236.7689162492752,0.13,12.7";
}  // namespace

class TestLatencyDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsEveryHatCsv() {
        const char* names[] = {"iwslt14deen_gpu_titanxp", "wmt14ende_cpu_raspberrypi", "wmt14ende_cpu_xeon",
                               "wmt14ende_gpu_titanxp", "wmt14enfr_cpu_raspberrypi", "wmt14enfr_cpu_xeon",
                               "wmt14enfr_gpu_titanxp", "wmt19ende_gpu_titanxp"};
        for (const char* n : names) {
            const auto d = LatencyDataset::load(sourcePath(std::string("data/latency/hat/") + n + "_all.csv"));
            QCOMPARE(d.size(), size_t(2000));
            for (const auto& s : d.samples) {
                QVERIFY(!s.protocol.known());
                QVERIFY(s.gene.empty());
            }
        }
        // Row 1 of the Xeon set, full precision.
        const auto d = LatencyDataset::load(sourcePath("data/latency/hat/wmt14ende_cpu_xeon_all.csv"));
        const auto& s = d.samples[0];
        QCOMPARE(s.features[2], 1194.6666666666667);
        QCOMPARE(s.features[9], 2.0);
        QCOMPARE(s.encoderMs, 9.922519326210022);
        QCOMPARE(s.totalMs(), 9.922519326210022 + 236.7689162492752);
    }

    void roundTripsExactly() {
        const auto d = LatencyDataset::load(sourcePath("data/latency/hat/wmt14enfr_gpu_titanxp_all.csv"));
        const auto again = LatencyDataset::parse(d.toCsv(), "again");
        QCOMPARE(again.size(), d.size());
        for (size_t i = 0; i < d.size(); ++i) {
            QCOMPARE(again.samples[i].features, d.samples[i].features);
            QCOMPARE(again.samples[i].decoderStdMs, d.samples[i].decoderStdMs);
        }
        // With protocol columns: HAT's 14 columns come first, so HAT's reader still works.
        LatencyDataset ours;
        LatencySample s = d.samples[0];
        s.protocol = {2, 5, 0, 1, 1, 30, 30, 5, 32768, "Some CPU, 8 cores"};
        s.gene = {640, 6, 1, 2};
        ours.samples = {s};
        const std::string text = ours.toCsv();
        QVERIFY(text.rfind(kHeader + ",warmups", 0) == 0);
        const auto back = LatencyDataset::parse(text, "ours");
        QCOMPARE(back.samples[0].protocol.machine, std::string("Some CPU; 8 cores"));  // no commas
        QCOMPARE(back.samples[0].protocol.vocab, 32768);
        QCOMPARE(back.samples[0].gene, s.gene);
        QCOMPARE(back.samples[0].totalMs(), s.totalMs());
    }

    void refusesMalformedRowsWithFileAndLine() {
        auto err = [](const std::string& text) {
            return errorOf([&] { LatencyDataset::parse(text, "lat.csv"); });
        };
        QCOMPARE(err(kHeader + "\n" + kRow + "\n" + kRow + "\n").size(), size_t(0));
        QVERIFY(err(kHeader + "\n" + kRow + "\n640,6,1\n").find("lat.csv:3: the row has 3 fields") == 0);
        std::string bad = kRow;
        bad.replace(bad.find("236.7689162492752"), 17, "abc");
        QVERIFY(err(kHeader + "\n" + bad + "\n").find("lat.csv:2: column 'latency_mean_decoder' is 'abc'") == 0);
        bad = kRow;
        bad.replace(0, 3, "nan");
        QVERIFY(err(kHeader + "\n" + bad + "\n").find("lat.csv:2:") == 0);
        bad = kRow;
        bad.replace(bad.find("9.922519326210022"), 17, "-9");
        QVERIFY(err(kHeader + "\n" + bad + "\n").find("lat.csv:2: latencies must be non-negative") == 0);
        bad = kRow;
        bad.replace(bad.find(",2.0,"), 5, ",7.0,");
        QVERIFY(err(kHeader + "\n" + bad + "\n").find("decoder_arbitrary_ende_attn_avg") != std::string::npos);
        QVERIFY(err("a,b\n" + kRow).find("lat.csv:1: the header has 2 columns") == 0);
        std::string header = kHeader;
        header.replace(0, 17, "encoder_embed_DIM");
        QVERIFY(err(header + "\n" + kRow).find("lat.csv:1: column 1 is 'encoder_embed_DIM'") == 0);
        QVERIFY(err(kHeader + ",colour\n" + kRow + ",red\n").find("unknown column 'colour'") != std::string::npos);
        QVERIFY(err("").find("empty") != std::string::npos);
        QVERIFY(errorOf([] { LatencyDataset::load("/nonexistent/x.csv"); }).find("/nonexistent/x.csv: ") == 0);
    }

    void splitIsFixedDisjointAndComplete() {
        const auto a = splitRows(2000, 0.2, 2020);
        const auto b = splitRows(2000, 0.2, 2020);
        QCOMPARE(a.test, b.test);
        QCOMPARE(a.test.size(), size_t(400));
        QCOMPARE(a.train.size(), size_t(1600));
        std::set<size_t> all(a.train.begin(), a.train.end());
        for (size_t i : a.test) QVERIFY(all.insert(i).second);
        QCOMPARE(all.size(), size_t(2000));
        QVERIFY(splitRows(2000, 0.2, 2021).test != a.test);
        // Pinned: the split must not change between versions or platforms.
        QCOMPARE(shuffledIndices(5, 1), shuffledIndices(5, 1));
    }
};

QTEST_APPLESS_MAIN(TestLatencyDataset)
#include "test_latency_dataset.moc"
