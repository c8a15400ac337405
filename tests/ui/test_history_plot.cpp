// HistoryPlot: a run's generations as lines (best, best so far) and bars (new members, raced
// apart), a title with the run's figures, hover text naming the best architecture, and a click
// that hands over the generation's best.
#include <QSignalSpy>
#include <QtTest>

#include <random>

#include "core/space/sampling.h"
#include "core/space/sub_config.h"
#include "support/fixtures.h"
#include "ui/history_plot.h"
#include "screenshots.h"

using namespace hat;
using namespace hat::ui;

namespace {

std::vector<GenerationSummary> history(const DesignSpace& space) {
    std::mt19937_64 rng(2);
    std::vector<GenerationSummary> out;
    const double best[] = {5.40, 5.36, 5.37, 5.33, 5.33, 5.31};
    double soFar = 1e9;
    for (int g = 0; g < 6; ++g) {
        GenerationSummary s;
        s.generation = g;
        s.best.gene = sampleGene(space, rng);
        s.best.fitness = best[g];
        s.best.latency = {4000.0 + 100 * g, 4400.0 + 100 * g};
        soFar = std::min(soFar, best[g]);
        s.bestSoFar = soFar;
        s.newMembers = g == 0 ? 125 : 100 - 10 * g;
        s.raced = g == 0 ? 0 : 20 + g;
        s.seconds = 6.0 - 0.5 * g;
        out.push_back(s);
    }
    return out;
}

}  // namespace

class TestHistoryPlot : public QObject {
    Q_OBJECT
private:
    DesignSpace space = DesignSpace::loadYaml(test::sourcePath("data/spaces/space0.yml"));

private Q_SLOTS:
    void drawsEveryGenerationAndSaysWhatItWas() {
        HistoryPlot plot;
        plot.resize(800, 300);
        QVERIFY(plot.title().contains("No search"));
        plot.setSpace(space);
        const auto h = history(space);
        plot.setHistory(7, 5997.2, h);
        QCOMPARE(plot.graphCount(), 2);
        const QCPGraph* best = plot.graph(0);
        const QCPGraph* soFar = plot.graph(1);
        QCOMPARE(best->dataCount(), 6);
        QCOMPARE(soFar->dataCount(), 6);
        for (int g = 0; g < 6; ++g) {
            QCOMPARE((best->data()->begin() + g)->value, h[size_t(g)].best.fitness);
            QCOMPARE((soFar->data()->begin() + g)->value, h[size_t(g)].bestSoFar);
        }
        // Bars: scored in full and raced, stacked to the new members.
        QCPBars* scored = nullptr;
        QCPBars* raced = nullptr;
        for (int i = 0; i < plot.plottableCount(); ++i) {
            if (auto* b = qobject_cast<QCPBars*>(plot.plottable(i))) (scored ? raced : scored) = b;
        }
        QVERIFY(scored && raced);
        QCOMPARE((scored->data()->begin() + 3)->value + (raced->data()->begin() + 3)->value, double(h[3].newMembers));
        QCOMPARE((raced->data()->begin() + 3)->value, double(h[3].raced));
        // 6 generations, best 5.31, 6 + 5.5 + ... + 3.5 = 28.5 s (shown rounded).
        QVERIFY2(plot.title().contains("Run 7 under 5997.2 ms: 6 generations, best 5.3100 bits"), qPrintable(plot.title()));
        const QString hover = plot.describe(3);
        QVERIFY(hover.contains("Generation 3: best 5.3300 bits at 4300.0 ms"));
        QVERIFY(hover.contains(QString::fromStdString(geneToConfig(h[3].best.gene, space).summary())));
        QVERIFY(hover.contains("70 new members, 23 stopped early"));
        QVERIFY(plot.describe(9).isEmpty());
        QVERIFY(plot.grab().save(screenshotDir() + "/history_plot.png"));
    }

    void aClickHandsOverThatGenerationsBest() {
        HistoryPlot plot;
        plot.resize(800, 300);
        plot.setSpace(space);
        const auto h = history(space);
        plot.setHistory(1, 100, h);
        plot.replot();
        QSignalSpy clicked(&plot, &HistoryPlot::generationClicked);
        const QPoint at(int(plot.xAxis->coordToPixel(4)), int(plot.yAxis->coordToPixel(5.35)));
        QTest::mouseClick(&plot, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 4);
        QCOMPARE(plot.generation(4)->best.gene, h[4].best.gene);
        // Between generations: nothing.
        QTest::mouseClick(&plot, Qt::LeftButton, {}, QPoint(int(plot.xAxis->coordToPixel(4.5) + 3), at.y()));
        QCOMPARE(clicked.count(), 1);
    }
};

QTEST_MAIN(TestHistoryPlot)
#include "test_history_plot.moc"
