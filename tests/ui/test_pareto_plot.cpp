// ParetoPlot: the front as a step line, nearest-point lookup, the limit line, the y-axis metrics,
// and 20,000 points.
#include <QElapsedTimer>
#include <QtTest>

#include <random>

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "support/fixtures.h"
#include "ui/pareto_plot.h"

using namespace hat;
using namespace hat::ui;

class TestParetoPlot : public QObject {
    Q_OBJECT
private:
    DesignSpace space = DesignSpace::loadYaml(test::sourcePath("data/spaces/space0.yml"));

    std::vector<EvaluatedPoint> cloud(int n) {
        std::mt19937_64 rng(5);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::vector<EvaluatedPoint> pts;
        for (int i = 0; i < n; ++i) {
            EvaluatedPoint p;
            p.gene = sampleGene(space, rng);
            p.gene.push_back(i);  // unique even when sampling repeats (not a valid gene: no summary)
            p.latencyMs = 50 + 450 * u(rng);
            p.validLoss = 4.0 + 300.0 / p.latencyMs + u(rng);
            p.latencyUpperMs = p.latencyMs * 1.1;
            pts.push_back(p);
        }
        return pts;
    }

private Q_SLOTS:
    void frontAndNearestPoint() {
        ParetoPlot plot;
        plot.resize(800, 500);
        plot.setSpace(space);
        std::vector<EvaluatedPoint> pts(3);
        pts[0] = {{1}, 5.0, std::nullopt, 100, 110};
        pts[1] = {{2}, 4.0, std::nullopt, 200, 220};
        pts[2] = {{3}, 4.5, std::nullopt, 300, 330};  // dominated by pts[1]
        plot.setPoints(pts);
        QCOMPARE(plot.pointCount(), 3);
        QCOMPARE(plot.frontCount(), 2);
        plot.rescaleToData();
        plot.replot();
        const QPointF px(plot.xAxis->coordToPixel(200), plot.yAxis->coordToPixel(4.0));
        QCOMPARE(plot.pointNear(px + QPointF(3, -2)), 1);
        QCOMPARE(plot.pointNear(px + QPointF(60, 60)), -1);
        plot.setLimit(250);
        QCOMPARE(plot.limitLine()->point1->coords().x(), 250.0);
        QCOMPARE(plot.limitLine()->point2->coords().x(), 250.0);
        // The label stays inside the plot: left of the line, or right of it near the left edge.
        plot.replot();
        QVERIFY(plot.limitLabel()->positionAlignment() & Qt::AlignRight);
        plot.setLimit(plot.xAxis->range().lower + 1.0);
        plot.replot();
        QVERIFY(plot.limitLabel()->positionAlignment() & Qt::AlignLeft);
    }

    void yAxisSwitchesMetric() {
        ParetoPlot plot;
        plot.resize(800, 500);
        plot.setSpace(space);
        std::mt19937_64 rng(9);
        std::vector<EvaluatedPoint> pts;
        for (int i = 0; i < 3; ++i) {
            EvaluatedPoint p;
            p.gene = canonicalGene(sampleGene(space, rng), space);
            p.latencyMs = 100.0 * (i + 1);
            p.validLoss = 6.0 - i;
            if (i != 1) p.bleu = 10.0 + 5 * i;
            pts.push_back(p);
        }
        plot.setPoints(pts);
        plot.setYMetric(ParetoPlot::YMetric::Parameters);
        const SubConfig c = geneToConfig(pts[2].gene, space);
        QCOMPARE(plot.yOf(pts[2]), hatParameterCount(c, space.qkvDim) / 1e6);
        QCOMPARE(plot.frontCount(), 0);  // no front for parameters
        plot.setYMetric(ParetoPlot::YMetric::Flops);
        QCOMPARE(plot.yOf(pts[0]), flops(geneToConfig(pts[0].gene, space), space.qkvDim, 30, 30, 0) / 1e9);
        plot.setYMetric(ParetoPlot::YMetric::Bleu);
        QVERIFY(std::isnan(plot.yOf(pts[1])));  // no BLEU computed: left out
        QCOMPARE(plot.yOf(pts[2]), 20.0);
        QCOMPARE(plot.frontCount(), 2);  // 10 at 100 ms, 20 at 300 ms
        QCOMPARE(plot.yAxis->label(), QString("BLEU"));
        plot.setYMetric(ParetoPlot::YMetric::ValidLoss);
        QCOMPARE(plot.frontCount(), 3);
        QCOMPARE(plot.yOf(pts[1]), 5.0);
    }

    void clickSelectsAPoint() {
        ParetoPlot plot;
        plot.resize(800, 500);
        plot.setPoints({{{1}, 5.0, std::nullopt, 100, 110}, {{2}, 4.0, std::nullopt, 200, 220}});
        plot.rescaleToData();
        plot.replot();
        QSignalSpy clicked(&plot, &ParetoPlot::pointClicked);
        const QPoint at(qRound(plot.xAxis->coordToPixel(200)), qRound(plot.yAxis->coordToPixel(4.0)));
        QTest::mouseClick(&plot, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).value<Gene>(), Gene({2}));
    }

    // Functional only; the time is measured by bench/bench_ui_responsiveness.
    void holdsTwentyThousandPoints() {
        ParetoPlot plot;
        plot.resize(1000, 650);
        plot.setSpace(space);
        const auto pts = cloud(20000);
        plot.setPoints(pts);
        plot.setLimit(250);
        plot.rescaleToData();
        plot.replot();
        QCOMPARE(plot.pointCount(), 20000);
        // The front is the lower envelope: no point is faster and better than any front point.
        QVERIFY(plot.frontCount() > 0);
        QVERIFY(plot.xAxis->range().lower <= 50.0 + 450.0 * 0.01);
    }
};

QTEST_MAIN(TestParetoPlot)
#include "test_pareto_plot.moc"
