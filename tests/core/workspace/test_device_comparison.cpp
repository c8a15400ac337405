// Devices compared at the same relative limit: limits from the two ends of the space, answers that
// agree with the database's own best-under-limit query, fronts per device.
#include <QTemporaryDir>
#include <QtTest>

#include "core/latency/latency_dataset.h"
#include "core/latency/latency_predictor.h"
#include "core/workspace/device_comparison.h"
#include "core/workspace/workspace.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"
#include "support/tiny_workspace.h"

using namespace hat;
using namespace hat::test;

namespace {
const char* kPi = "hat/wmt14ende_cpu_raspberrypi";
const char* kXeon = "hat/wmt14ende_cpu_xeon";

std::string trainPredictor(const std::string& csv, const std::string& out) {
    PredictorTrainOptions po;
    po.steps = 150;
    po.folds = 2;
    po.threads = 1;
    LatencyPredictor::train(LatencyDataset::load(sourcePath(csv)), po).save(out);
    return out;
}

EvaluatedPoint point(double ms, double loss) { return {{}, loss, std::nullopt, ms, ms * 1.1}; }
}  // namespace

class TestDeviceComparison : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::string ws;

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 40, 5);
        WorkspaceInit in = tinyWorkspaceInit(t, dir.filePath("ws").toStdString());
        in.deviceIds = {kPi, kXeon};
        in.predictorOverrides[kPi] =
            trainPredictor("data/latency/hat/wmt14ende_cpu_raspberrypi_all.csv", dir.filePath("pi.pt").toStdString());
        in.predictorOverrides[kXeon] =
            trainPredictor("data/latency/hat/wmt14ende_cpu_xeon_all.csv", dir.filePath("xeon.pt").toStdString());
        Workspace::init(in);
        ws = in.dir;

        // Something evaluated: a short search for the Pi at its mid-range limit.
        Workspace w = Workspace::open(ws);
        const auto rows = compareDevices(w, {kPi}, 0.5);
        EvolutionSettings s;
        s.population = 16;
        s.parents = 4;
        s.mutations = 6;
        s.crossovers = 6;
        s.generations = 3;
        s.maxLatencyMs = rows[0].limitMs;
        s.seed = 3;
        w.search(kPi, s, false);
    }

    void bestOnFrontTakesTheLastMemberUnderTheLimit() {
        const std::vector<EvaluatedPoint> front = {point(10, 9.0), point(20, 8.0), point(30, 7.5)};
        QVERIFY(!bestOnFront(front, 9.9).has_value());
        QCOMPARE(bestOnFront(front, 10.0)->validLoss, 9.0);
        QCOMPARE(bestOnFront(front, 29.9)->validLoss, 8.0);
        QCOMPARE(bestOnFront(front, 1e9)->validLoss, 7.5);
        // Against the upper end of the interval (1.1 × here): 30 ms is 33 at the top.
        QCOMPARE(bestOnFront(front, 32.0, true)->validLoss, 8.0);
        QCOMPARE(relativeLimitMs(100.0, 300.0, 0.25), 150.0);
    }

    void rowsFollowTheSpaceEndsAndTheDatabase() {
        Workspace w = Workspace::open(ws);
        const DesignSpace space = w.space();
        const Gene smallest = configToGene(SubConfig::smallest(space), space);
        const Gene largest = configToGene(SubConfig::largest(space), space);
        for (double relative : {0.0, 0.3, 0.5, 1.0}) {
            const auto rows = compareDevices(w, {kXeon, kPi}, relative);
            QCOMPARE(rows.size(), size_t(2));
            QCOMPARE(rows[0].device, std::string(kXeon));
            QCOMPARE(rows[1].device, std::string(kPi));
            for (const auto& r : rows) {
                QCOMPARE(r.smallestMs, w.latency(r.device, smallest).ms);
                QCOMPARE(r.largestMs, w.latency(r.device, largest).ms);
                QVERIFY(r.smallestMs < r.largestMs);
                QCOMPARE(r.limitMs, r.smallestMs + relative * (r.largestMs - r.smallestMs));
                // The same evaluations, each with this device's latency.
                QCOMPARE(int64_t(r.points.size()), w.evaluationCount());
                QVERIFY(!r.front.empty());
                // The answer agrees with the database's own query for the best under the limit.
                const auto instant = w.instantAnswer(r.device, r.limitMs);
                QCOMPARE(r.best.has_value(), instant.has_value());
                if (r.best) {
                    QCOMPARE(r.best->validLoss, instant->validLoss);
                    QVERIFY(r.best->latencyMs <= r.limitMs);
                }
            }
        }
        // A Raspberry Pi is seconds where a Xeon is tens of milliseconds: absolute limits differ,
        // relative ones do not.
        const auto rows = compareDevices(w, {kXeon, kPi}, 0.5);
        QVERIFY(rows[1].limitMs > 5 * rows[0].limitMs);
    }

    void badInputIsRefused() {
        Workspace w = Workspace::open(ws);
        QVERIFY(errorOf([&] { compareDevices(w, {kPi}, 1.5); }).find("between 0 and 1") != std::string::npos);
        QVERIFY(errorOf([&] { compareDevices(w, {"no-such-device"}, 0.5); }).find("no-such-device") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestDeviceComparison)
#include "test_device_comparison.moc"
