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
#include <QProcess>
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
#include "core/workspace/workspace_copy.h"
#include "core/space/subconfig_io.h"
#include "ui/active_window.h"
#include "ui/architecture_view.h"
#include "ui/device_comparison_view.h"
#include "ui/export_actions.h"
#include "ui/history_plot.h"
#include "ui/limit_model.h"
#include "ui/limit_widget.h"
#include "ui/main_window.h"
#include "ui/population_panel.h"
#include "ui/recent_workspaces.h"
#include "ui/search_panel.h"
#include "ui/selection_model.h"
#include "ui/architecture_panel.h"
#include "ui/new_workspace_dialog.h"
#include "ui/history_plot.h"
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
        w->searchPanel()->setSettings(smallSearch());
        w->searchPanel()->setAutoResearch(false);
        w->resize(1280, 720);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(hat::test::activate(w.get()));
    }

    void opensWorkspace() {
        w->openWorkspace(QString::fromStdString(fixture.workspaceDir));
        QTRY_VERIFY_WITH_TIMEOUT(w->workspaceOpen(), 30000);
        QCOMPARE(w->currentDevice(), QString("local/1t"));
        QVERIFY(w->recent()->list().contains(QString::fromStdString(fixture.workspaceDir)));
        // The limit's range is the device's predicted smallest to largest SubTransformer, known
        // before anything is evaluated; the limit starts in its middle.
        QCOMPARE(w->limitModel()->range().lo, fixture.smallMs);
        QCOMPARE(w->limitModel()->range().hi, fixture.largeMs);
        QVERIFY(std::abs(w->limitModel()->value() - midMs) < 0.051);
        QCOMPARE(w->plot()->limit(), w->limitModel()->value());
        // Nothing evaluated yet: the answer line says so.
        QTRY_VERIFY_WITH_TIMEOUT(w->lastAnswerText().contains("Nothing evaluated"), 60000);
        QCOMPARE(w->plot()->pointCount(), 0);
        // The status bar says where quality comes from (the fixture's SuperTransformer is divided).
        auto* supernet = w->findChild<QLabel*>("supernetLabel");
        QVERIFY(supernet);
        QVERIFY2(supernet->text().contains("-width proxy"), qPrintable(supernet->text()));
    }

    void searchFillsTableAndPlot() {
        QSignalSpy gens(w->controller(), &SearchController::generationFinished);
        QSignalSpy done(w->controller(), &SearchController::searchFinished);
        w->limitModel()->setAndCommit(midMs);
        // The plot's axes contain every point after every generation (they follow the data).
        int axesChecked = 0;
        auto axes = connect(w->searchPanel(), &SearchPanel::generationArrived, this, [&] {
            for (const auto& p : w->plot()->points()) {
                QVERIFY(w->plot()->xAxis->range().contains(p.latencyMs));
                QVERIFY(w->plot()->yAxis->range().contains(p.validLoss));
            }
            ++axesChecked;
        });
        w->searchPanel()->start(false);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kSearchTimeoutMs);
        disconnect(axes);
        QCOMPARE(axesChecked, 3);
        QCOMPARE(gens.count(), 3);  // generations + 1 populations are scored
        const auto outcome = done.at(0).at(1).value<SearchOutcome>();
        QVERIFY(!outcome.cancelled);
        QVERIFY(outcome.best.latency.ms <= midMs);
        QCOMPARE(w->populationModel()->rowCount(), 10);
        QCOMPARE(w->populationPanel()->table()->model()->rowCount(), 10);
        QCOMPARE(w->plot()->generationLayers(), 3);
        QVERIFY(w->plot()->pointCount() >= 10);
        QTRY_VERIFY(w->plot()->frontCount() > 0);
        QCOMPARE(w->searchPanel()->progressBar()->value(), w->searchPanel()->progressBar()->maximum());
        // The best of the search is marked; the answer under the limit fills the empty selection.
        QCOMPARE(*w->plot()->marked(), outcome.best.gene);
        QTRY_VERIFY_WITH_TIMEOUT(w->selection()->selected().has_value(), 30000);
        QVERIFY(!w->selection()->chosenByUser());
        QVERIFY(w->architectureView()->config().has_value());
    }

    void sliderMovesLineAndAsksForInstantAnswer() {
        QSignalSpy answers(w->controller(), &SearchController::instantAnswer);
        QSignalSpy started(w->controller(), &SearchController::searchStarted);
        w->searchPanel()->setAutoResearch(true);
        QSlider* s = w->limitWidget()->slider();
        s->setFocus();
        const int before = s->value();
        QTest::keyClick(s, Qt::Key_PageUp);
        QTest::keyClick(s, Qt::Key_PageUp);
        QVERIFY(s->value() > before);
        const double ms = w->limitModel()->value();
        QCOMPARE(w->limitWidget()->spinBox()->value(), ms);
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
        // Key presses move the limit but do not re-search, even with auto re-search on ...
        QTest::qWait(300);
        QCOMPARE(started.count(), 0);
        // ... Enter in the limit box does.
        QDoubleSpinBox* spin = w->limitWidget()->spinBox();
        spin->setFocus();
        QTest::keyClick(spin, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(started.count() >= 1, 10000);
        QVERIFY(w->searchPanel()->running());
        QTest::keyClick(w.get(), Qt::Key_Escape);  // Esc cancels
        waitForSearchEnd();
        QVERIFY(!w->searchPanel()->running());
        w->searchPanel()->setAutoResearch(false);
    }

    void draggingTheLimitLineMovesTheSliderAndUndoMovesItBack() {
        ParetoPlot* p = w->plot();
        p->replot();
        const double start = w->limitModel()->committedValue();
        QSignalSpy changed(p, &ParetoPlot::limitChanged);
        QSignalSpy committed(w->limitModel(), &LimitModel::committed);
        const double x0 = p->xAxis->coordToPixel(p->limit());
        const double y = p->axisRect()->center().y();
        const QPoint from(static_cast<int>(std::lround(x0)), static_cast<int>(y));
        const QPoint to = from + QPoint(-40, 0);
        QTest::mousePress(p, Qt::LeftButton, {}, from);
        QTest::mouseMove(p, to);
        QCOMPARE(committed.count(), 0);  // still dragging
        QTest::mouseRelease(p, Qt::LeftButton, {}, to);
        QCOMPARE(committed.count(), 1);
        QVERIFY(changed.count() >= 1);
        const double ms = changed.last().at(0).toDouble();
        QVERIFY(std::abs(ms - p->xAxis->pixelToCoord(to.x())) < 1e-6);
        QCOMPARE(w->limitModel()->value(), ms);
        QCOMPARE(w->limitWidget()->spinBox()->value(), std::round(ms * 10) / 10);
        QVERIFY(p->followsData());  // moving the limit line is not a pan
        // Ctrl+Z puts the limit back where the drag started.
        QTest::keyClick(w.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(w->limitModel()->value(), start);
        QCOMPARE(p->limit(), start);
        waitForSearchEnd();
    }

    void tableSelectionDrivesArchitectureView() {
        QTableView* t = w->populationPanel()->table();
        QVERIFY(t->model()->rowCount() >= 3);
        t->selectRow(2);
        const QModelIndex src =
            static_cast<QSortFilterProxyModel*>(t->model())->mapToSource(t->model()->index(2, 0));
        const Gene g = w->populationModel()->candidate(src.row()).gene;
        QVERIFY(w->selection()->selected().has_value());
        QCOMPARE(*w->selection()->selected(), g);
        QVERIFY(w->selection()->chosenByUser());
        QVERIFY(w->architectureView()->config().has_value());
        QVERIFY(w->architectureView()->config()->sameArchitecture(geneToConfig(g, fixture.space)));
        QCOMPARE(*w->plot()->selected(), g);
        // And the other way: a plot click selects the table row when the point is in the population.
        const Gene first = w->populationModel()->candidate(0).gene;
        w->selection()->select(first);
        QCOMPARE(static_cast<QSortFilterProxyModel*>(t->model())->mapToSource(t->currentIndex()).row(), 0);
        // The user's selection survives a search's end: the best is only marked.
        QSignalSpy done(w->searchPanel(), &SearchPanel::searchEnded);
        EvolutionSettings quick = smallSearch();
        quick.generations = 0;
        quick.seed = 11;
        w->searchPanel()->setSettings(quick);
        w->searchPanel()->start(true);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kSearchTimeoutMs);
        QTest::qWait(200);  // the answer that follows may not replace it either
        QCOMPARE(*w->selection()->selected(), first);
        w->searchPanel()->setSettings(smallSearch());
    }

    void exportsArchitectureAndPlot() {
        QVERIFY(w->selection()->selected().has_value());
        const SubConfig expected = geneToConfig(*w->selection()->selected(), fixture.space);
        const QString yml = tmp.filePath("chosen.yml"), json = tmp.filePath("chosen.json");
        QString err;
        QVERIFY2(w->exports()->exportArchitecture(yml, &err), qPrintable(err));
        QVERIFY2(w->exports()->exportArchitecture(json, &err), qPrintable(err));
        // HAT's naming, and a header saying where the numbers come from.
        const QString name = w->exports()->suggestedName("yml");
        QVERIFY2(QRegularExpression(R"(^HAT_wmt14ende_local1t@[0-9.]+m?s_loss@[0-9]+\.[0-9]{2}\.yml$)").match(name).hasMatch(),
                 qPrintable(name));
        const QString text = QString::fromStdString(hat::test::readText(yml.toStdString()));
        QVERIFY(text.startsWith("#"));
        QVERIFY2(text.contains("local/1t"), qPrintable(text));
        QVERIFY2(text.contains("1/16"), qPrintable(text));
        const auto fromYaml = parseSubConfigYaml(hat::test::readText(yml.toStdString()), "chosen.yml", &fixture.space);
        QVERIFY(fromYaml.sameArchitecture(expected));
        const auto fromJson = parseSubConfigJson(hat::test::readText(json.toStdString()), "chosen.json", &fixture.space);
        QVERIFY(fromJson.sameArchitecture(expected));
        const QString png = tmp.filePath("plot.png"), pdf = tmp.filePath("plot.pdf");
        QVERIFY(w->exports()->exportPlot(png));
        QVERIFY(w->exports()->exportPlot(pdf));
        QVERIFY(QFileInfo(png).size() > 1000);
        QVERIFY(QFileInfo(pdf).size() > 1000);
    }

    void exportsInheritedWeights() {
        QVERIFY(w->selection()->selected().has_value());
        const SubConfig c = geneToConfig(*w->selection()->selected(), fixture.space);
        QSignalSpy done(w->controller(), &SearchController::weightsExported);
        const QString path = tmp.filePath("weights.pt");
        QVERIFY(w->exports()->exportWeights(path) != 0);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        const hat::TensorDict d = hat::loadTensorDict(path.toStdString());
        // Every active decoder layer and nothing beyond; widths at the fixture's divisor 16.
        QVERIFY(d.count("decoder.layers." + std::to_string(c.decoderLayerNum - 1) + ".fc1.weight"));
        QVERIFY(!d.count("decoder.layers." + std::to_string(c.decoderLayerNum) + ".fc1.weight"));
        QCOMPARE(d.at("encoder.embed_tokens.weight").size(1), int64_t(c.encoderEmbedDim / 16));
        QCOMPARE(d.at("encoder.layers.0.fc1.weight").size(0), int64_t(c.encoderFfnDim[0] / 16));
        qint64 n = 0;
        for (const auto& [name, t] : d) n += t.numel();
        QCOMPARE(done.at(0).at(2).value<qint64>(), n);
    }

    void exportsEvaluationsAndFrontAsCsv() {
        const QString all = tmp.filePath("all.csv"), front = tmp.filePath("front.csv");
        QSignalSpy written(w->exports(), &ExportActions::exported);
        QVERIFY(w->exports()->exportPointsCsv(all, false) != 0);
        QVERIFY(w->exports()->exportPointsCsv(front, true) != 0);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 2, 30000);
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
        // One dialect: `hat pareto --csv` writes the same bytes for the same points.
        auto bytes = [](const QString& path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        auto hatPareto = [&](bool everything) {
            QStringList args{"pareto", "--workspace", QString::fromStdString(fixture.workspaceDir),
                             "--device", w->currentDevice(), "--csv"};
            if (everything) args << "--all";
            QProcess p;
            p.start(QStringLiteral(HAT_BINARY_DIR "/app/hat"), args);
            if (!p.waitForFinished(120000) || p.exitCode() != 0) return QByteArray("failed");
            return p.readAllStandardOutput();
        };
        QCOMPARE(hatPareto(true), bytes(all));
        QCOMPARE(hatPareto(false), bytes(front));
        // An unwritable file: an error dialog that names it.
        QVERIFY(w->exports()->exportPointsCsv(tmp.filePath("no/such/dir/x.csv"), false) != 0);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("errorDialog")) != nullptr, 30000);
        QVERIFY2(box->text().contains("x.csv"), qPrintable(box->text()));
        box->accept();
        QTRY_VERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);
        // The dialog was the active window: give the keyboard back to the main window.
        w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
    }

    void diffModeFromTheKeyboard() {
        QVERIFY(w->selection()->selected().has_value());
        const Gene reference = *w->selection()->selected();
        QTest::keyClick(w.get(), Qt::Key_D, Qt::ControlModifier);
        QVERIFY(w->architectureView()->reference().has_value());
        QVERIFY(w->architectureView()->reference()->sameArchitecture(geneToConfig(reference, fixture.space)));
        // Another selection is compared with the pinned one.
        const Gene other = w->populationModel()->candidate(w->populationModel()->rowCount() - 1).gene;
        QVERIFY(other != reference);
        w->selection()->select(other);
        const QStringList diffs =
            ArchitectureView::differences(*w->architectureView()->reference(), *w->architectureView()->config());
        QVERIFY(!diffs.isEmpty());
        // The differences are also listed as text, and nothing is elided at the default layout.
        QLabel* listed = w->architecturePanel()->differencesLabel();
        QVERIFY(listed->isVisible());
        for (const QString& d : diffs) QVERIFY2(listed->text().contains(d), qPrintable(listed->text()));
        QVERIFY(w->architectureView()->grab().save(screenshotDir() + "/architecture_diff_in_window.png"));
        w->architectureView()->repaint();
        QCOMPARE(w->architectureView()->elidedTexts(), 0);
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
        QSignalSpy progress(c, &SearchController::progressed);
        QSignalSpy done(c, &SearchController::bleuFinished);
        const int front = w->plot()->frontCount();
        QVERIFY(front > 0);
        QTest::keyClick(w.get(), Qt::Key_B, Qt::ControlModifier);
        QVERIFY(c->evaluatingBleu());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kSearchTimeoutMs);
        QVERIFY(!done.at(0).at(2).toBool());
        QCOMPARE(done.at(0).at(1).toInt(), front);  // nothing had a BLEU before
        QCOMPARE(progress.count(), front + 1);       // the announcement, then one per architecture
        QCOMPARE(progress.first().at(1).toDouble(), 0.0);
        QCOMPARE(progress.last().at(1).toDouble(), 1.0);
        QVERIFY2(progress.last().at(3).toString().startsWith(QString("BLEU %1 of %1: ").arg(front)),
                 qPrintable(progress.last().at(3).toString()));
        QCOMPARE(w->searchPanel()->progressBar()->value(), w->searchPanel()->progressBar()->maximum());
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
        w->searchPanel()->evaluateFrontBleu();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.at(0).at(1).toInt(), 0);
    }

    void trustPlotShowsTheDevicesPredictor() {
        QTRY_COMPARE_WITH_TIMEOUT(w->trustPlot()->trust().device, w->currentDevice(), 30000);
        const auto& t = w->trustPlot()->trust();
        QVERIFY(!t.rows.empty());  // the fixture's predictor was trained by us: out-of-fold rows
        QCOMPARE(size_t(w->trustPlot()->insideBand() + w->trustPlot()->outsideBand()), t.rows.size());
        QCOMPARE(t.report.rows, t.rows.size());
        // The front's and the selected architecture's predictions are marked on it.
        QCOMPARE(w->trustPlot()->frontMarks(), w->plot()->frontCount());
        QVERIFY(w->plot()->frontCount() > 0);
        QVERIFY(w->selection()->selected().has_value());
        QVERIFY(w->trustPlot()->selectedMarked());
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
        QVERIFY2(w->lastAnswerText().contains(QString("under %1 ms").arg(w->limitModel()->value(), 0, 'f', 1)),
                 qPrintable(w->lastAnswerText()));
        // A failure of a request nobody in the window made (an older job, another asker) changes
        // no label: neither the answer line nor the search panel.
        const QString answerBefore = w->lastAnswerText(), statusBefore = w->searchPanel()->statusText();
        QSignalSpy failures(c, &SearchController::failed);
        const JobId foreign = c->requestInstantAnswer("no/such/device", midMs);
        EvolutionSettings bad = smallSearch();
        bad.maxLatencyMs = midMs;
        const JobId foreignSearch = c->startSearch("no/such/device", bad, true);
        QTRY_VERIFY_WITH_TIMEOUT(failures.count() >= 2, 30000);
        QCOMPARE(failures.at(0).at(0).value<JobId>(), foreign);
        QCOMPARE(failures.at(1).at(0).value<JobId>(), foreignSearch);
        QTest::qWait(100);
        QCOMPARE(w->lastAnswerText(), answerBefore);
        QCOMPARE(w->searchPanel()->statusText(), statusBefore);
        QVERIFY(w->findChild<QMessageBox*>("errorDialog") == nullptr);

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

    void perDeviceLimitsAndViewAreRestoredAfterRestart() {
        const QString pi = "hat/wmt14ende_cpu_raspberrypi";
        QVERIFY(w->setDevice(pi));
        const LimitModel::Range r = w->limitModel()->range();
        QVERIFY(r.valid());
        QVERIFY(r.lo > fixture.largeMs);  // the Pi's range is its own, not the local device's
        const double piLimit = std::round((r.lo + 0.3 * (r.hi - r.lo)) * 10) / 10;
        w->limitModel()->setAndCommit(piLimit);
        QVERIFY(w->setDevice("local/1t"));
        const double localLimit = w->limitModel()->value();
        QVERIFY(std::abs(localLimit - piLimit) > 1.0);
        auto* combo = w->findChild<QComboBox*>("yMetricCombo");
        combo->setCurrentIndex(2);
        QVERIFY(!w->plot()->points().empty());
        const Gene pinned = w->plot()->points().front().gene;
        w->selection()->select(pinned);
        w->selection()->pin(pinned);
        waitForSearchEnd();
        w->close();
        w.reset();

        w = std::make_unique<MainWindow>();
        w->searchPanel()->setAutoResearch(false);
        w->resize(1280, 720);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(hat::test::activate(w.get()));
        w->openWorkspace(QString::fromStdString(fixture.workspaceDir));
        QTRY_VERIFY_WITH_TIMEOUT(w->workspaceOpen(), 30000);
        QCOMPARE(w->currentDevice(), QString("local/1t"));
        QCOMPARE(w->limitModel()->value(), localLimit);
        QCOMPARE(w->plot()->yMetric(), ParetoPlot::YMetric::Parameters);
        QVERIFY(w->selection()->reference().has_value());
        QCOMPARE(*w->selection()->reference(), pinned);
        QVERIFY(w->setDevice(pi));
        QCOMPARE(w->limitModel()->value(), piLimit);
        QCOMPARE(w->plot()->limit(), piLimit);
        // An infeasible limit says what the fastest SubTransformer reaches and searches nothing.
        w->limitModel()->setAndCommit(std::floor(r.lo / 2));
        QVERIFY(w->limitModel()->infeasible());
        QVERIFY2(w->lastAnswerText().contains(w->limitModel()->format(r.lo)), qPrintable(w->lastAnswerText()));
        QCOMPARE(w->searchPanel()->start(), JobId(0));
        QVERIFY(w->searchPanel()->statusText().startsWith("Nothing fits"));
        w->limitModel()->setAndCommit(piLimit);
        QVERIFY(w->setDevice("local/1t"));
        w->selection()->pin(std::nullopt);
        w->findChild<QComboBox*>("yMetricCombo")->setCurrentIndex(0);
        QTRY_VERIFY_WITH_TIMEOUT(w->plot()->pointCount() > 0, 30000);
    }

    void screenshots() {
        // The default layout at 1280x720, the population tab in front, as after start-up.
        w->resize(1280, 720);
        QDockWidget* pop = w->findChild<QDockWidget*>("populationDock");
        QVERIFY(pop != nullptr);
        pop->raise();
        w->plot()->rescaleToData();
        QTest::qWait(200);
        QCOMPARE(w->size(), QSize(1280, 720));
        QVERIFY(w->grab().save(screenshotDir() + "/main_window.png"));
        QVERIFY(w->architectureView()->grab().save(screenshotDir() + "/architecture_view.png"));
        QCOMPARE(w->architectureView()->elidedTexts(), 0);
        QVERIFY(w->plot()->grab().save(screenshotDir() + "/pareto_plot.png"));
        QVERIFY(w->findChild<QDockWidget*>("searchDock")->grab().save(screenshotDir() + "/search_panel.png"));
        // The History tab: the search this test ran on the device, one point a generation.
        QDockWidget* history = w->findChild<QDockWidget*>("historyDock");
        QVERIFY(history != nullptr);
        history->raise();
        QTRY_VERIFY_WITH_TIMEOUT(!w->historyPlot()->history().empty(), 30000);
        QVERIFY(w->historyPlot()->title().startsWith("Run "));
        QTest::qWait(200);
        QVERIFY(w->grab().save(screenshotDir() + "/history_in_window.png"));
        pop->raise();
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

    void aMovedWorkspaceAsksForItsSuperTransformer() {
        // A copy elsewhere whose SuperTransformer was then renamed: nowhere to be found by itself.
        // (A workspace moved by hand loses its predictors too: they are still referenced by path.)
        const QString moved = tmp.filePath("moved/deeper/ws");
        copyWorkspace(fixture.workspaceDir, moved.toStdString());
        const QString checkpoint = QFileInfo(QString::fromStdString(fixture.workspaceDir)).path() + "/supernet.pt";
        const QString renamed = tmp.filePath("renamed.pt");
        QVERIFY(QFile::rename(checkpoint, renamed));
        w->openWorkspace(moved);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>("locateCheckpointDialog")) != nullptr, 30000);
        QVERIFY2(box->text().contains("supernet.pt"), qPrintable(box->text()));
        box->reject();
        // Pointed at the renamed file, the workspace opens again and loads it.
        w->locateCheckpoint(renamed);
        auto* supernet = w->findChild<QLabel*>("supernetLabel");
        QTRY_VERIFY_WITH_TIMEOUT(supernet->text().contains("renamed.pt") && supernet->text().contains("proxy"), 60000);
        QCOMPARE(w->workspaceDir(), moved);
        QVERIFY(QFile::rename(renamed, checkpoint));
    }

    void cleanupTestCase() { w.reset(); }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
