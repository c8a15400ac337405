// PopulationModel as a model (QAbstractItemModelTester), sorted and filtered through a proxy.
#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QtTest>

#include <random>

#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "support/fixtures.h"
#include "ui/population_model.h"

using namespace hat;
using namespace hat::ui;

class TestPopulationModel : public QObject {
    Q_OBJECT
private:
    DesignSpace space = DesignSpace::loadYaml(test::sourcePath("data/spaces/space0.yml"));

    std::vector<Candidate> population(int n, uint64_t seed) {
        std::mt19937_64 rng(seed);
        std::vector<Candidate> out;
        for (int i = 0; i < n; ++i) {
            Candidate c;
            c.gene = sampleGene(space, rng);
            c.fitness = 5.0 + 0.1 * i;  // best first
            c.latency = {100.0 + 37.0 * ((i * 7) % n), 120.0 + 37.0 * ((i * 7) % n)};
            out.push_back(c);
        }
        return out;
    }

private Q_SLOTS:
    void passesModelTester() {
        PopulationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSpace(space);
        model.setPopulation(population(12, 1), 0);
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(model.columnCount(), int(PopulationModel::ColumnCount));
        model.setPopulation(population(5, 2), 1);
        QCOMPARE(model.rowCount(), 5);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void showsDerivedColumns() {
        PopulationModel model;
        model.setSpace(space);
        const auto pop = population(8, 3);
        model.setPopulation(pop, 2);
        QCOMPARE(model.generation(), 2);
        const SubConfig c = geneToConfig(pop[3].gene, space);
        QCOMPARE(model.index(3, PopulationModel::Rank).data().toInt(), 4);
        QCOMPARE(model.index(3, PopulationModel::Summary).data().toString(), QString::fromStdString(c.summary()));
        QCOMPARE(model.index(3, PopulationModel::Params).data(PopulationModel::SortRole).toDouble(),
                 static_cast<double>(hatParameterCount(c, space.qkvDim)) / 1e6);
        QCOMPARE(model.index(3, PopulationModel::Latency).data().toString(),
                 QString::number(pop[3].latency.ms, 'f', 1));
        QCOMPARE(model.rowOf(pop[5].gene), 5);
        QCOMPARE(model.rowOf(Gene{1, 2, 3}), -1);
    }

    void aRacedChildShowsItsLossAsABound() {
        PopulationModel model;
        model.setSpace(space);
        auto pop = population(6, 5);
        pop[4].raced = true;
        model.setPopulation(pop, 1);
        QCOMPARE(model.index(4, PopulationModel::ValidLoss).data().toString(),
                 QString::fromUtf8("\u2265 ") + QString::number(pop[4].fitness, 'f', 4));
        QVERIFY(model.index(4, PopulationModel::ValidLoss).data(Qt::ToolTipRole).toString().contains("racing"));
        QCOMPARE(model.index(4, PopulationModel::ValidLoss).data(PopulationModel::SortRole).toDouble(), pop[4].fitness);
        QCOMPARE(model.index(3, PopulationModel::ValidLoss).data().toString(), QString::number(pop[3].fitness, 'f', 4));
        QVERIFY(model.index(3, PopulationModel::ValidLoss).data(Qt::ToolTipRole).isNull());
    }

    void sortsNumericallyAndFilters() {
        PopulationModel model;
        model.setSpace(space);
        const auto pop = population(12, 4);
        model.setPopulation(pop, 0);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(PopulationModel::SortRole);
        proxy.sort(PopulationModel::Latency, Qt::AscendingOrder);
        double prev = -1;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            const double v = proxy.index(r, PopulationModel::Latency).data(PopulationModel::SortRole).toDouble();
            QVERIFY(v >= prev);  // 1000+ sorts after 137 (it would not as text)
            prev = v;
        }
        proxy.setFilterKeyColumn(PopulationModel::Summary);
        const QString needle = model.index(0, PopulationModel::Summary).data().toString();
        proxy.setFilterFixedString(needle);
        QVERIFY(proxy.rowCount() >= 1);
        QVERIFY(proxy.rowCount() <= 12);
        for (int r = 0; r < proxy.rowCount(); ++r) {
            QVERIFY(proxy.index(r, PopulationModel::Summary).data().toString().contains(needle));
        }
    }
};

QTEST_MAIN(TestPopulationModel)
#include "test_population_model.moc"
