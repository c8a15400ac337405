// Measurement: the materialised SubTransformer computes what the weight-sharing model computes,
// the trimmed statistics, and a dataset run that records its protocol, resumes and cancels.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/latency/latency_measure.h"
#include "core/latency/materialized_transformer.h"
#include "core/latency/runtime.h"
#include "core/model/checkpoint.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "core/util/progress.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}
}  // namespace

class TestLatencyMeasure : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    DesignSpace space = smallSpace();

    MeasureOptions quick() const {
        MeasureOptions o;
        o.warmups = 0;
        o.runs = 2;
        o.srcLen = 6;
        o.tgtLen = 4;
        o.beam = 2;
        o.vocab = 64;
        return o;
    }

private Q_SLOTS:
    void materialisedEqualsWeightSharing() {
        // HAT's small SuperTransformer and its parity batch (with padding), every fixture config.
        SuperTransformer model = loadHatStateDictFile(fixture("hat_parity/supernet_state_dict.pt"), space, 1);
        model->eval();
        const TensorDict batch = loadTensorDict(fixture("hat_parity/batch.pt"));
        const auto src = batch.at("src_tokens");
        const auto prev = batch.at("prev_output_tokens");
        torch::InferenceMode g;
        int checked = 0;
        for (const auto& s : readJson(fixture("hat_parity/subnet_results.json"))) {
            const SubConfig c = configFromJson(s["config"]);
            const MaterializedTransformer m(*model, c);
            const EncoderOutput a = model->encode(src, c);
            const EncoderOutput b = m.encode(src);
            QVERIFY(maxAbsDiff(a.out, b.out) < 1e-5);
            QCOMPARE(a.all.size(), b.all.size());
            DecoderState sa = model->initialState(), sb = m.initialState();
            for (int64_t k = 0; k < prev.size(1); ++k) {
                const auto prefix = prev.slice(1, 0, k + 1);
                const auto la = model->decodeStep(prefix, a, c, sa);
                const auto lb = m.decodeStep(prefix, b, sb);
                QVERIFY2(maxAbsDiff(la, lb) < 1e-4, qPrintable(QString("%1 step %2").arg(
                             QString::fromStdString(s["name"].get<std::string>())).arg(k)));
            }
            ++checked;
        }
        QVERIFY(checked >= 5);
    }

    void runtimesComputeTheSameModel() {
        // Every runtime that executes here runs the same SubTransformer: fp32 through oneDNN to
        // float rounding, the int8 ones to 8-bit rounding (the decoder's log-probabilities stay
        // within a small share of their spread, and the top token mostly agrees).
        SuperTransformer model = loadHatStateDictFile(fixture("hat_parity/supernet_state_dict.pt"), space, 1);
        model->eval();
        const TensorDict batch = loadTensorDict(fixture("hat_parity/batch.pt"));
        const auto src = batch.at("src_tokens");
        const auto prev = batch.at("prev_output_tokens");
        torch::InferenceMode g;
        const SubConfig c = SubConfig::largest(space);
        const MaterializedTransformer reference(*model, c);
        auto logProbs = [&](const MaterializedTransformer& m) {
            const EncoderOutput enc = m.encode(src);
            DecoderState st = m.initialState();
            std::vector<torch::Tensor> steps;
            for (int64_t k = 0; k < prev.size(1); ++k) {
                steps.push_back(torch::log_softmax(m.decodeStep(prev.slice(1, 0, k + 1), enc, st), -1));
            }
            return torch::cat(steps, 1);
        };
        const auto want = logProbs(reference);
        const double spread = (want.max() - want.min()).item<double>();
        int tried = 0;
        for (const auto& r : knownRuntimes()) {
            if (r.id == "fp32") continue;
            const RuntimeSupport support = runtimeSupport(r.id);
            if (!support.executes) {
                QVERIFY(!support.reason.empty());
                QVERIFY(errorOf([&] { MaterializedTransformer(*model, c, r.id); }).find(r.id) != std::string::npos);
                continue;
            }
            const auto got = logProbs(MaterializedTransformer(*model, c, r.id));
            const double diff = maxAbsDiff(want, got);
            const double agree = want.argmax(-1).eq(got.argmax(-1)).to(torch::kDouble).mean().item<double>();
            qInfo("%s: max |d log p| %.5f of spread %.2f, top token agrees %.1f%%", r.id.c_str(), diff,
                  spread, 100 * agree);
            if (r.precision == Precision::Fp32) {
                QVERIFY2(diff < 1e-3, r.id.c_str());
            } else {
                QVERIFY2(diff > 1e-6, r.id.c_str());  // really quantized
                QVERIFY2(diff < 0.05 * spread, r.id.c_str());
                QVERIFY2(agree > 0.9, r.id.c_str());
            }
            ++tried;
        }
        QVERIFY(tried >= 1);  // Debian's LibTorch: fp32-onednn, int8 and int8-qnnpack
        QVERIFY(!runtimeSupport("w4a8").executes);
        QVERIFY(errorOf([] { runtimeSupport("tpu"); }).find("unknown runtime 'tpu' (known: fp32, ") == 0);
    }

    void runtimeIsPartOfTheProtocol() {
        // An int8 row records its runtime in a `runtime` column; an fp32 file keeps the columns
        // it always had, and neither file takes the other's rows.
        if (!runtimeSupport("int8").executes) QSKIP("no oneDNN quantized engine");
        auto o = quick();
        o.runtime = "int8";
        LatencyMeter meter(space, o);
        const std::string out = dir.filePath("int8.csv").toStdString();
        appendSample(out, meter.measure(SubConfig::smallest(space)));
        std::ifstream in(out);
        std::string header;
        std::getline(in, header);
        QVERIFY(header.find(",vocab,runtime,machine,gene") != std::string::npos);
        const auto d = LatencyDataset::load(out);
        QCOMPARE(d.samples[0].protocol.runtime, std::string("int8"));
        QVERIFY(d.samples[0].protocol.summary().rfind("runtime int8, ", 0) == 0);
        QCOMPARE(LatencyDataset::parse(d.toCsv(), "again").samples[0].protocol.runtime, std::string("int8"));

        const std::string fp32 = dir.filePath("fp32.csv").toStdString();
        LatencyMeter plain(space, quick());
        appendSample(fp32, plain.measure(SubConfig::smallest(space)));
        std::ifstream in32(fp32);
        std::getline(in32, header);
        QVERIFY(header.find("runtime") == std::string::npos);
        QCOMPARE(LatencyDataset::load(fp32).samples[0].protocol.runtime, std::string("fp32"));
        QVERIFY(errorOf([&] { appendSample(fp32, meter.measure(SubConfig::smallest(space))); })
                    .find("another protocol") != std::string::npos);
        QVERIFY(errorOf([&] { appendSample(out, plain.measure(SubConfig::smallest(space))); })
                    .find("another protocol") != std::string::npos);
        QCOMPARE(LatencyDataset::load(fp32).size(), size_t(1));
        QCOMPARE(LatencyDataset::load(out).size(), size_t(1));
        auto w4 = quick();
        w4.runtime = "w4a8";
        QVERIFY(errorOf([&] { LatencyMeter(space, w4); }).find("cannot be measured here") != std::string::npos);
    }

    void trimmedStatsGuardSmallCounts() {
        auto one = trimmedStats({5.0});
        QCOMPARE(one.meanMs, 5.0);
        QCOMPARE(one.sdMs, 0.0);
        auto two = trimmedStats({4.0, 6.0});  // nothing dropped: a mean, not HAT's minimum
        QCOMPARE(two.meanMs, 5.0);
        QCOMPARE(two.trimHigh, 0);
        auto five = trimmedStats({3.0, 1.0, 2.0, 100.0, 2.0});  // the slowest run is dropped
        QCOMPARE(five.trimLow, 0);
        QCOMPARE(five.trimHigh, 1);
        QCOMPARE(five.meanMs, 2.0);
        std::vector<double> twenty;
        for (int i = 0; i < 20; ++i) twenty.push_back(i);
        auto t = trimmedStats(twenty);  // HAT: [2:-2], the middle 16
        QCOMPARE(t.trimLow, 2);
        QCOMPARE(t.trimHigh, 2);
        QCOMPARE(t.meanMs, 9.5);
    }

    void measureRecordsProtocolResumesAndCancels() {
        const std::string out = dir.filePath("lat.csv").toStdString();
        QCOMPARE(measureDataset(space, quick(), 2, 7, out), 2);
        auto d = LatencyDataset::load(out);
        QCOMPARE(d.size(), size_t(2));
        for (const auto& s : d.samples) {
            QVERIFY(s.encoderMs > 0 && s.decoderMs > 0);
            QCOMPARE(s.protocol.runs, 2);
            QCOMPARE(s.protocol.beam, 2);
            QCOMPARE(s.protocol.tgtLen, 4);
            QVERIFY(s.protocol.sameAs(protocolFor(quick())));
            QVERIFY(!s.protocol.machine.empty());
        }
        QCOMPARE(d.samples[1].gene, configToGene(sampleConfigHat(space, 8), space));
        const auto firstRow = d.samples[0].totalMs();

        // Resume: the two rows stay, three more are appended.
        std::vector<double> seen;
        std::string last;
        const ProgressSink sink([&](const ProgressUpdate& u) {
            seen.push_back(u.fraction);
            last = u.message;
        });
        QCOMPARE(measureDataset(space, quick(), 5, 7, out, nullptr, sink), 5);
        QCOMPARE(seen, std::vector<double>({0.4, 0.6, 0.8, 1.0}));  // from where it resumed
        QVERIFY2(last.rfind("measured 5 of 5 SubTransformers (last ", 0) == 0, last.c_str());
        d = LatencyDataset::load(out);
        QCOMPARE(d.size(), size_t(5));
        QCOMPARE(d.samples[0].totalMs(), firstRow);

        // Another seed or protocol cannot continue this file.
        QVERIFY(errorOf([&] { measureDataset(space, quick(), 6, 8, out); }).find("seed") != std::string::npos);
        auto other = quick();
        other.beam = 3;
        QVERIFY(errorOf([&] { measureDataset(space, other, 6, 7, out); }).find("protocol") != std::string::npos);

        // Cancelled before the next sample: nothing added, nothing lost.
        CancelToken cancel;
        cancel.cancel();
        QCOMPARE(measureDataset(space, quick(), 9, 7, out, &cancel), 5);
        QCOMPARE(LatencyDataset::load(out).size(), size_t(5));
    }

    void measureOneArchitectureAndAppend() {
        LatencyMeter meter(space, quick());
        const std::string out = dir.filePath("one.csv").toStdString();
        const SubConfig c = SubConfig::largest(space);
        appendSample(out, meter.measure(c));
        appendSample(out, meter.measure(SubConfig::smallest(space)));
        const auto d = LatencyDataset::load(out);
        QCOMPARE(d.size(), size_t(2));
        QCOMPARE(d.samples[0].features, latencyFeatures(c));
        // An architecture outside the space is refused before anything runs.
        SubConfig bad = c;
        bad.encoderEmbedDim = 12345;
        QVERIFY(errorOf([&] { meter.measure(bad); }).find("12345") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestLatencyMeasure)
#include "test_latency_measure.moc"
