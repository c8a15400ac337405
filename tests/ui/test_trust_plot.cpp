// TrustPlot: rows inside and outside the ±10% band, the summary line, and an empty predictor.
#include <QtTest>

#include "ui/trust_plot.h"

using namespace hat;
using namespace hat::ui;

class TestTrustPlot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitsRowsByTheBand() {
        PredictorTrust t;
        t.device = "pi";
        auto row = [](double measured, double predicted) {
            HeldOutRow r;
            r.measuredMs = measured;
            r.predictedMs = predicted;
            r.lowMs = predicted * 0.9;
            r.highMs = predicted * 1.1;
            return r;
        };
        // 5% over, 15% over, 9.5% under, exactly 10% under (inside: the band is closed).
        t.rows = {row(100, 105), row(100, 115), row(200, 181), row(300, 270)};
        std::vector<double> measured;
        std::vector<LatencyEstimate> predicted;
        for (const auto& r : t.rows) {
            measured.push_back(r.measuredMs);
            predicted.push_back({r.predictedMs, r.lowMs, r.highMs});
        }
        t.report = summarizePredictions(measured, predicted);
        TrustPlot plot;
        plot.resize(600, 450);
        plot.setTrust(t);
        QCOMPARE(plot.insideBand(), 3);
        QCOMPARE(plot.outsideBand(), 1);
        QCOMPARE(100.0 * plot.insideBand() / 4, t.report.within10Pct);
        QVERIFY(plot.summary().contains("4 held-out rows"));
        QVERIFY(plot.summary().contains("within ±10% 75.0%"));
        QCOMPARE(plot.xAxis->range().upper, plot.yAxis->range().upper);  // square: the diagonal is 45°
    }
    void emptyPredictorSaysSo() {
        PredictorTrust t;
        t.device = "hat";
        TrustPlot plot;
        plot.setTrust(t);
        QCOMPARE(plot.insideBand() + plot.outsideBand(), 0);
        QVERIFY(plot.summary().contains("no held-out rows"));
    }
};

QTEST_MAIN(TestTrustPlot)
#include "test_trust_plot.moc"
