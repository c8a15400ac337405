// The explorer window on a small real workspace: open, search through the real controller, the
// limit slider and line, instant answers, selection shared between table, plot and architecture
// view, export, stale results dropped, error dialogs for broken workspaces, and screenshots.
#include <QDir>
#include <QFile>
#include <QStatusBar>
#include <QLabel>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QDockWidget>
#include <QProgressBar>
#include <QComboBox>
#include <QtTest>

#include "core/model/checkpoint.h"
#include "core/space/gene.h"
#include "core/space/subconfig_io.h"
#include "ui/architecture_view.h"
#include "ui/device_comparison_view.h"
#include "ui/main_window.h"
#include "ui/new_workspace_dialog.h"
#include "ui/pareto_plot.h"
#include "ui/population_model.h"
#include "ui/search_controller.h"
#include "ui/trust_plot.h"
#include "screenshots.h"
#include "ui_fixture.h"

using namespace hat;
using namespace hat::ui;

namespace {
constexpr int kSearchTimeoutMs = 240000;

EvolutionSettings smallSearch() {
    EvolutionSettings s;
    s.population = 10;
    s.parents = 4;
    s.mutations = 3;
    s.crossovers = 3;
    s.generations = 2;
    return s;
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp;
    hat::test::UiWorkspace fixture;
    std::unique_ptr<MainWindow> w;
    double midMs = 0.0;

    void waitForSearchEnd() {
        QTRY_VERIFY_WITH_TIMEOUT(!w->controller()->searching(), kSearchTimeoutMs);
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(tmp.isValid());
        fixture.build(tmp);
        midMs = 0.5 * (fixture.smallMs + fixture.largeMs);
        QVERIFY(fixture.largeMs > fixture.smallMs);
        w = std::make_unique<MainWindow>();
        w->setSearchSettings(smallSearch());
        w->resize(1400, 900);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    }

    void opensWorkspace() {
        w->openWorkspace(QString::fromStdString(fixture.workspaceDir));
        QTRY_VERIFY_WITH_TIMEOUT(w->workspaceOpen(), 30000);
        QCOMPARE(w->currentDevice(), QString("local/1t"));
        QVERIFY(MainWindow::recentWorkspaces().contains(QString::fromStdString(fixture.workspaceDir)));
        // Nothing evaluated yet: the answer line says so once the (empty) points arrive.
        QTRY_VERIFY_WITH_TIMEOUT(w->lastAnswerText().contains("Nothing evaluated"), 60000);
        QCOMPARE(w->plot()->pointCount(), 0);
    }

    void searchFillsTableAndPlot() {
        QSignalSpy gens(w->controller(), &SearchController::generationFinished);
        QSignalSpy done(w->controller(), &SearchController::searchFinished);
        w->setLimit(midMs);
        w->startSearch(false);  // stops the slider's debounced search and starts this one
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kSearchTimeoutMs);
        QCOMPARE(gens.count(), 3);  // generations + 1 populations are scored
        const auto outcome = done.at(0).at(1).value<SearchOutcome>();
        QVERIFY(!outcome.cancelled);
        QVERIFY(outcome.best.latency.ms <= midMs);
        QCOMPARE(w->populationModel()->rowCount(), 10);
        QCOMPARE(w->populationTable()->model()->rowCount(), 10);
        QCOMPARE(w->plot()->generationLayers(), 3);
        QVERIFY(w->plot()->pointCount() >= 10);
        QTRY_VERIFY(w->plot()->frontCount() > 0);
        QCOMPARE(w->progressBar()->value(), w->progressBar()->maximum());
        // The best of the search is selected and drawn.
        QVERIFY(w->selectedGene().has_value());
        QVERIFY(w->architectureView()->config().has_value());
    }

    void sliderMovesLineAndAsksForInstantAnswer() {
        QSignalSpy answers(w->controller(), &SearchController::instantAnswer);
        QSignalSpy started(w->controller(), &SearchController::searchStarted);
        w->setSearchDebounceMs(150);
        QSlider* s = w->limitSlider();
        s->setFocus();
        const int before = s->value();
        QTest::keyClick(s, Qt::Key_PageUp);
        QTest::keyClick(s, Qt::Key_PageUp);
        QVERIFY(s->value() > before);
        const double ms = s->value() / 10.0;
        QCOMPARE(w->limitMs(), ms);
        QCOMPARE(w->limitSpin()->value(), ms);
        QCOMPARE(w->plot()->limit(), ms);
        QCOMPARE(w->plot()->limitLine()->point1->coords().x(), ms);
        // Until its answer arrives (the event loop has not run yet) the line about the previous
        // limit is dimmed; then it names the new one.
        auto* answerLabel = w->findChild<QLabel*>("answerLabel");
        QVERIFY(answerLabel && !answerLabel->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(answers.count() >= 1, 30000);
        const auto a = answers.last().at(1).value<InstantAnswer>();
        QCOMPARE(a.limitMs, ms);
        QVERIFY(a.point.has_value());
        QVERIFY(a.point->latencyMs <= ms);
        QVERIFY(answerLabel->isEnabled());
        QVERIFY2(w->lastAnswerText().startsWith(QString("Best known under %1 ms").arg(ms, 0, 'f', 1)),
                 qPrintable(w->lastAnswerText()));
        // The debounced warm re-search follows.
        QTRY_VERIFY_WITH_TIMEOUT(started.count() >= 1, 10000);
        waitForSearchEnd();
    }

    void draggingTheLimitLineMovesTheSlider() {
        ParetoPlot* p = w->plot();
        p->replot();
        QSignalSpy changed(p, &ParetoPlot::limitChanged);
        const double x0 = p->xAxis->coordToPixel(p->limit());
        const double y = p->axisRect()->center().y();
        const QPoint from(static_cast<int>(std::lround(x0)), static_cast<int>(y));
        const QPoint to = from + QPoint(-40, 0);
        QTest::mousePress(p, Qt::LeftButton, {}, from);
        QTest::mouseMove(p, to);
        QTest::mouseRelease(p, Qt::LeftButton, {}, to);
        QVERIFY(changed.count() >= 1);
        const double ms = changed.last().at(0).toDouble();
        QVERIFY(std::abs(ms - p->xAxis->pixelToCoord(to.x())) < 1e-6);
        QCOMPARE(w->limitSpin()->value(), std::round(ms * 10) / 10);
        QCOMPARE(w->limitSlider()->value(), static_cast<int>(std::lround(ms * 10)));
        w->cancelSearch();
        waitForSearchEnd();
    }

    void tableSelectionDrivesArchitectureView() {
        QTableView* t = w->populationTable();
        QVERIFY(t->model()->rowCount() >= 3);
        t->selectRow(2);
        const QModelIndex src =
            static_cast<QSortFilterProxyModel*>(t->model())->mapToSource(t->model()->index(2, 0));
        const Gene g = w->populationModel()->candidate(src.row()).gene;
        QVERIFY(w->selectedGene().has_value());
        QCOMPARE(*w->selectedGene(), g);
        QVERIFY(w->architectureView()->config().has_value());
        QVERIFY(w->architectureView()->config()->sameArchitecture(geneToConfig(g, fixture.space)));
        QCOMPARE(*w->plot()->selected(), g);
        // And the other way: a plot click selects the table row when the point is in the population.
        const Gene first = w->populationModel()->candidate(0).gene;
        w->selectGene(first);
        QCOMPARE(static_cast<QSortFilterProxyModel*>(t->model())->mapToSource(t->currentIndex()).row(), 0);
    }

    void exportsArchitectureAndPlot() {
        QVERIFY(w->selectedGene().has_value());
        const SubConfig expected = geneToConfig(*w->selectedGene(), fixture.space);
        const QString yml = tmp.filePath("chosen.yml"), json = tmp.filePath("chosen.json");
        QString err;
        QVERIFY2(w->exportArchitecture(yml, &err), qPrintable(err));
        QVERIFY2(w->exportArchitecture(json, &err), qPrintable(err));
        const auto fromYaml = parseSubConfigYaml(hat::test::readText(yml.toStdString()), "chosen.yml", &fixture.space);
        QVERIFY(fromYaml.sameArchitecture(expected));
        const auto fromJson = parseSubConfigJson(hat::test::readText(json.toStdString()), "chosen.json", &fixture.space);
        QVERIFY(fromJson.sameArchitecture(expected));
        const QString png = tmp.filePath("plot.png"), pdf = tmp.filePath("plot.pdf");
        QVERIFY(w->exportPlot(png));
        QVERIFY(w->exportPlot(pdf));
        QVERIFY(QFileInfo(png).size() > 1000);
        QVERIFY(QFileInfo(pdf).size() > 1000);
    }

    void exportsInheritedWeights() {
        QVERIFY(w->selectedGene().has_value());
        const SubConfig c = geneToConfig(*w->selectedGene(), fixture.space);
        QSignalSpy done(w->controller(), &SearchController::weightsExported);
        const QString path = tmp.filePath("weights.pt");
        QVERIFY(w->exportWeights(path));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        const hat::TensorDict d = hat::loadTensorDict(path.toStdString());
        // Every active decoder layer and nothing beyond; widths at the fixture's divisor 16.
        QVERIFY(d.count("decoder.layers." + std::to_string(c.decoderLayerNum - 1) + ".fc1.weight"));
        QVERIFY(!d.count("decoder.layers." + std::to_string(c.decoderLayerNum) + ".fc1.weight"));
        QCOMPARE(d.at("encoder.embed_tokens.weight").size(1), int64_t(c.encoderEmbedDim / 16));
        QCOMPARE(d.at("encoder.layers.0.fc1.weight").size(0), int64_t(c.encoderFfnDim[0] / 16));
        qint64 n = 0;
        for (const auto& [name, t] : d) n += t.numel();
        QCOMPARE(done.at(0).at(1).value<qint64>(), n);
    }

    void exportsEvaluationsAndFrontAsCsv() {
        const QString all = tmp.filePath("all.csv"), front = tmp.filePath("front.csv");
        QString err;
        QVERIFY2(w->exportPointsCsv(all, false, &err), qPrintable(err));
        QVERIFY2(w->exportPointsCsv(front, true, &err), qPrintable(err));
        auto lines = [](const QString& path) {
            QFile f(path);
            f.open(QIODevice::ReadOnly | QIODevice::Text);
            return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        };
        const QStringList a = lines(all), fr = lines(front);
        QCOMPARE(a.size(), w->plot()->pointCount() + 1);
        QCOMPARE(fr.size(), w->plot()->frontCount() + 1);
        QVERIFY(a[0].startsWith("device,latency_ms,latency_upper_ms,valid_loss,bleu,params"));
        // Front rows: latency rising, loss falling.
        double lastLat = -1, lastLoss = 1e9;
        for (int i = 1; i < fr.size(); ++i) {
            const QStringList f = fr[i].split(',');
            QVERIFY(f[1].toDouble() >= lastLat);
            QVERIFY(f[3].toDouble() < lastLoss);
            lastLat = f[1].toDouble();
            lastLoss = f[3].toDouble();
        }
        QVERIFY(!w->exportPointsCsv(tmp.filePath("no/such/dir/x.csv"), false, &err));
        QVERIFY(err.contains("x.csv"));
    }

    void diffModeFromTheKeyboard() {
        QVERIFY(w->selectedGene().has_value());
        const Gene reference = *w->selectedGene();
        QTest::keyClick(w.get(), Qt::Key_D, Qt::ControlModifier);
        QVERIFY(w->architectureView()->reference().has_value());
        QVERIFY(w->architectureView()->reference()->sameArchitecture(geneToConfig(reference, fixture.space)));
        // Another selection is compared with the pinned one.
        const Gene other = w->populationModel()->candidate(w->populationModel()->rowCount() - 1).gene;
        QVERIFY(other != reference);
        w->selectGene(other);
        QVERIFY(!ArchitectureView::differences(*w->architectureView()->reference(), *w->architectureView()->config()).isEmpty());
        QVERIFY(w->architectureView()->grab().save(screenshotDir() + "/architecture_diff_in_window.png"));
        QTest::keyClick(w.get(), Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!w->architectureView()->reference().has_value());
    }

    void deviceComparisonAtTheSameRelativeLimit() {
        DeviceComparisonView* view = w->comparisonView();
        QSignalSpy shown(view, &DeviceComparisonView::comparisonShown);
        QTest::keyClick(w.get(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(w->comparisonDock()->isVisible());
        QCOMPARE(view->checkedDevices(), QStringList({"local/1t", "hat/wmt14ende_cpu_raspberrypi"}));
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 60000);
        const DeviceComparison& c = view->comparison();
        QCOMPARE(c.rows.size(), size_t(2));
        QCOMPARE(view->plots().size(), size_t(2));
        QCOMPARE(view->table()->rowCount(), 2);
        // At 50%, each device's limit sits halfway between its smallest and largest SubTransformer;
        // the local one is the fixture's own predictor, so its ends are known here independently.
        QCOMPARE(c.rows[0].smallestMs, fixture.smallMs);
        QCOMPARE(c.rows[0].largestMs, fixture.largeMs);
        QVERIFY(std::abs(c.rows[0].limitMs - midMs) < 1e-9);
        QVERIFY(std::abs(view->plots()[0]->limit() - midMs) < 1e-9);
        // The search ran at midMs on the local device, so it has an answer there, drawn and listed.
        QVERIFY(c.rows[0].best.has_value());
        QVERIFY(c.rows[0].best->latencyMs <= midMs);
        QCOMPARE(*view->plots()[0]->selected(), c.rows[0].best->gene);
        QCOMPARE(view->table()->item(0, 3)->text(), QString::number(c.rows[0].best->validLoss, 'f', 4));
        // Both devices see the same evaluations.
        QCOMPARE(view->plots()[0]->pointCount(), view->plots()[1]->pointCount());
        QCOMPARE(view->plots()[0]->pointCount(), w->plot()->pointCount());

        // Moving the relative limit moves every device's limit line without a round trip.
        auto* slider = view->findChild<QSlider*>("relativeLimitSlider");
        QVERIFY(slider);
        slider->setFocus();
        QTest::keyClick(slider, Qt::Key_Home);  // 0%: the smallest SubTransformer's latency
        QCOMPARE(view->relativeLimit(), 0.0);
        for (size_t i = 0; i < 2; ++i) {
            QCOMPARE(view->plots()[i]->limit(), c.rows[i].smallestMs);
            if (c.rows[i].best) QVERIFY(c.rows[i].best->latencyMs <= c.rows[i].smallestMs);
        }
        QTest::keyClick(slider, Qt::Key_End);
        QCOMPARE(view->relativeLimit(), 1.0);
        QCOMPARE(view->plots()[1]->limit(), c.rows[1].largestMs);
        // The answer is the lowest loss of everything at or under the limit, counted from the raw
        // points here (the view takes it from the front).
        double lowest = 1e9;
        for (const auto& p : c.rows[0].points) {
            if (p.latencyMs <= c.rows[0].largestMs) lowest = std::min(lowest, p.validLoss);
        }
        QCOMPARE(c.rows[0].best->validLoss, lowest);

        // Selecting the second row diffs its answer against the first device's.
        view->setRelativeLimit(0.5);
        view->table()->selectRow(1);
        if (c.rows[1].best && c.rows[0].best) {
            QVERIFY(view->architectureView()->reference().has_value());
            QVERIFY(view->architectureView()->config()->sameArchitecture(geneToConfig(c.rows[1].best->gene, fixture.space)));
        }
        view->setSameAxes(true);
        QCOMPARE(view->plots()[0]->xAxis->range().upper, view->plots()[1]->xAxis->range().upper);
        QCOMPARE(view->plots()[0]->yAxis->range().lower, view->plots()[1]->yAxis->range().lower);
        w->comparisonDock()->setFloating(true);
        w->comparisonDock()->resize(1300, 700);
        QTest::qWait(200);
        QVERIFY(w->comparisonDock()->grab().save(screenshotDir() + "/device_comparison.png"));
        w->comparisonDock()->setFloating(false);
        w->comparisonDock()->hide();
        // The floating dock was the active window: give the keyboard back to the main window.
        w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
    }

    void bleuOfTheFrontIsStoredAndPlotted() {
        SearchController* c = w->controller();
        QSignalSpy progress(c, &SearchController::bleuProgress);
        QSignalSpy done(c, &SearchController::bleuFinished);
        const int front = w->plot()->frontCount();
        QVERIFY(front > 0);
        QTest::keyClick(w.get(), Qt::Key_B, Qt::ControlModifier);
        QVERIFY(c->evaluatingBleu());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kSearchTimeoutMs);
        QVERIFY(!done.at(0).at(2).toBool());
        QCOMPARE(done.at(0).at(1).toInt(), front);  // nothing had a BLEU before
        QCOMPARE(progress.count(), front + 1);       // the announcement, then one per architecture
        QCOMPARE(progress.last().at(1).toInt(), front);
        QCOMPARE(w->progressBar()->value(), w->progressBar()->maximum());
        // The points come back with their BLEU: the BLEU axis shows exactly the front.
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            int withBleu = 0;
            for (const auto& p : w->plot()->points()) withBleu += p.bleu.has_value();
            return withBleu == front;
        }(), 30000);
        for (const auto& p : w->plot()->points()) {
            if (p.bleu) QVERIFY(*p.bleu >= 0.0 && *p.bleu <= 100.0);
        }
        // A second run finds everything stored and translates nothing.
        done.clear();
        w->evaluateFrontBleu();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.at(0).at(1).toInt(), 0);
    }

    void trustPlotShowsTheDevicesPredictor() {
        QTRY_COMPARE_WITH_TIMEOUT(w->trustPlot()->trust().device, w->currentDevice(), 30000);
        const auto& t = w->trustPlot()->trust();
        QVERIFY(!t.rows.empty());  // the fixture's predictor was trained by us: out-of-fold rows
        QCOMPARE(size_t(w->trustPlot()->insideBand() + w->trustPlot()->outsideBand()), t.rows.size());
        QCOMPARE(t.report.rows, t.rows.size());
        w->trustPlot()->resize(600, 450);
        w->trustPlot()->replot();
        QVERIFY(w->trustPlot()->grab().save(screenshotDir() + "/trust_plot.png"));
    }

    void yAxisComboSwitchesThePlot() {
        auto* combo = w->findChild<QComboBox*>("yMetricCombo");
        QVERIFY(combo);
        combo->setCurrentIndex(2);
        QCOMPARE(w->plot()->yMetric(), ParetoPlot::YMetric::Parameters);
        w->plot()->replot();
        QVERIFY(w->plot()->grab().save(screenshotDir() + "/pareto_plot_params.png"));
        combo->setCurrentIndex(0);
        QCOMPARE(w->plot()->yMetric(), ParetoPlot::YMetric::ValidLoss);
    }

    void staleResultsAreDropped() {
        SearchController* c = w->controller();
        QSignalSpy answers(c, &SearchController::instantAnswer);
        const QString dev = w->currentDevice();
        c->requestInstantAnswer(dev, midMs * 0.9);
        const JobId last = c->requestInstantAnswer(dev, midMs);
        QTRY_VERIFY_WITH_TIMEOUT(answers.count() >= 1, 30000);
        QTest::qWait(200);
        QCOMPARE(answers.count(), 1);
        QCOMPARE(answers.at(0).at(0).value<JobId>(), last);
        // Answers the window did not ask for leave its line alone (it names the slider's limit).
        QVERIFY2(w->lastAnswerText().contains(QString("under %1 ms").arg(w->limitMs(), 0, 'f', 1)),
                 qPrintable(w->lastAnswerText()));

        // A new search cancels the running one; only the new one reports.
        QSignalSpy gens(c, &SearchController::generationFinished);
        QSignalSpy done(c, &SearchController::searchFinished);
        EvolutionSettings s = smallSearch();
        s.maxLatencyMs = midMs;
        s.generations = 6;
        c->startSearch(dev, s, false);
        s.generations = 1;
        s.seed = 7;
        const JobId second = c->startSearch(dev, s, true);
        QTRY_VERIFY_WITH_TIMEOUT(!c->searching(), kSearchTimeoutMs);
        QCOMPARE(done.count(), 1);
        QCOMPARE(done.at(0).at(0).value<JobId>(), second);
        for (const auto& g : gens) QCOMPARE(g.at(0).value<JobId>(), second);
    }

    void screenshots() {
        // The population tab in front, as after start-up.
        QDockWidget* pop = w->findChild<QDockWidget*>("populationDock");
        QVERIFY(pop != nullptr);
        pop->raise();
        w->plot()->rescaleToData();
        QTest::qWait(100);
        QVERIFY(w->grab().save(screenshotDir() + "/main_window.png"));
        QVERIFY(w->architectureView()->grab().save(screenshotDir() + "/architecture_view.png"));
        QVERIFY(w->plot()->grab().save(screenshotDir() + "/pareto_plot.png"));
    }

    void createsAWorkspaceFromTheDialogsSettings() {
        // The fixture's SuperTransformer with the record `hat train` leaves next to a checkpoint.
        const QString root = QFileInfo(QString::fromStdString(fixture.workspaceDir)).path();
        {
            QFile rec(root + "/train_options.json");
            QVERIFY(rec.open(QIODevice::WriteOnly));
            rec.write(R"({"corpus": "corpus", "dict": "corpus/dict.txt", "src": "en", "tgt": "de"})");
        }
        NewWorkspaceDialog dialog(root + "/data");
        QVERIFY(!dialog.problem().isEmpty());  // no directory yet
        dialog.setDirectory(tmp.filePath("created"));
        dialog.setCheckpoint(root + "/supernet.pt");
        dialog.setSpace(QString::fromStdString(hat::test::sourcePath("data/spaces/space0.yml")));
        dialog.setFitnessSentences(20);
        dialog.setDevices({"local/1t"});
        QCOMPARE(dialog.problem(), QString());
        QVERIFY(dialog.grab().save(screenshotDir() + "/new_workspace_dialog.png"));
        QSignalSpy created(w->controller(), &SearchController::workspaceCreated);
        w->createWorkspace(dialog.init());
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, 60000);
        QVERIFY(QFileInfo::exists(tmp.filePath("created/workspace.db")));
        QTRY_COMPARE_WITH_TIMEOUT(w->workspaceDir(), tmp.filePath("created"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(w->currentDevice(), QString("local/1t"), 30000);
        NewWorkspaceDialog again(root + "/data");
        again.setDirectory(tmp.filePath("created"));
        QCOMPARE(again.problem(), QString("That directory already holds a workspace."));

        // A checkpoint without a training record: an error dialog that names it.
        QDir().mkpath(tmp.filePath("bare"));
        QVERIFY(QFile::copy(root + "/supernet.pt", tmp.filePath("bare/supernet.pt")));
        WorkspaceInit bad = dialog.init();
        bad.dir = tmp.filePath("not_created").toStdString();
        bad.checkpoint = tmp.filePath("bare/supernet.pt").toStdString();
        w->createWorkspace(bad);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 30000);
        QVERIFY(box->text().contains("bare/supernet.pt"));
        QVERIFY(box->text().contains("train_options.json"));
        box->accept();
        QTRY_VERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);
        QVERIFY(!QFileInfo::exists(tmp.filePath("not_created/workspace.db")));
        w->openWorkspace(QString::fromStdString(fixture.workspaceDir));
        QTRY_COMPARE_WITH_TIMEOUT(w->workspaceDir(), QString::fromStdString(fixture.workspaceDir), 30000);
    }

    void brokenWorkspaceShowsErrorDialog() {
        const QString junk = tmp.filePath("junk");
        QDir().mkpath(junk);
        {
            QFile f(junk + "/workspace.db");
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a database, just some junk bytes to fill a header ....");
        }
        w->openWorkspace(junk);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 30000);
        QVERIFY(box->text().contains("workspace.db"));
        QVERIFY(box->text().contains("not a workspace database"));
        QVERIFY(w->grab().save(screenshotDir() + "/error_dialog_window.png"));
        QVERIFY(box->grab().save(screenshotDir() + "/error_dialog.png"));
        box->accept();
        QTRY_VERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);
        // The open workspace stays open.
        QVERIFY(w->workspaceOpen());
        QCOMPARE(w->currentDevice(), QString("local/1t"));

        // A directory without a workspace.
        w->openWorkspace(tmp.filePath("missing"));
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 30000);
        QVERIFY(box->text().contains("no such workspace database"));
        box->accept();
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
