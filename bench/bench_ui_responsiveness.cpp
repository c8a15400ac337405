// How smooth the window stays: the longest time the UI thread was blocked while a search runs in
// the real window on the demo SuperTransformer (goal: under 50 ms), and the Pareto plot's replot
// time with 20,000 points (goal: under 30 ms). Runs offscreen unless a display is set.
//
//   bench_ui_responsiveness [--population 125] [--generations 30] [--threads 2]
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench/fitness_bench_common.h"
#include "core/workspace/workspace.h"
#include "core/space/sampling.h"
#include "core/util/allocator.h"
#include "core/model/compute_threads.h"
#include "ui/limit_model.h"
#include "ui/main_window.h"
#include "ui/search_panel.h"
#include "ui/pareto_plot.h"

using namespace hat;
using namespace hat::bench;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY")) qputenv("QT_QPA_PLATFORM", "offscreen");
    keepFreedMemory();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("HAT Explorer bench");  // keeps the user's settings alone
    EvolutionSettings s;
    int threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--population") {
            s.population = std::stoi(argv[i + 1]);
            s.parents = s.population / 5;
            s.mutations = s.crossovers = s.population * 2 / 5;
        } else if (a == "--generations") s.generations = std::stoi(argv[i + 1]);
        else if (a == "--threads") threads = std::stoi(argv[i + 1]);
    }
    setComputeThreads(threads);

    // 1. Replot with 20,000 points.
    {
        const DesignSpace space = DesignSpace::loadYaml(kRoot + "/data/spaces/space0.yml");
        ui::ParetoPlot plot;
        plot.resize(1200, 700);
        plot.setSpace(space);
        std::mt19937_64 rng(5);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::vector<EvaluatedPoint> pts;
        for (int i = 0; i < 20000; ++i) {
            EvaluatedPoint p;
            p.gene = canonicalGene(sampleGene(space, rng), space);
            p.gene.push_back(i);  // unique
            p.latencyMs = 50 + 450 * u(rng);
            p.validLoss = 4.0 + 300.0 / p.latencyMs + u(rng);
            pts.push_back(p);
        }
        QElapsedTimer t;
        t.start();
        plot.setPoints(pts);
        const double setMs = t.nsecsElapsed() / 1e6;
        plot.rescaleToData();
        plot.replot(QCustomPlot::rpImmediateRefresh);
        std::vector<double> times;
        for (int i = 0; i < 30; ++i) {
            plot.xAxis->moveRange(i % 2 ? 2.0 : -2.0);
            t.restart();
            plot.replot(QCustomPlot::rpImmediateRefresh);
            times.push_back(t.nsecsElapsed() / 1e6);
        }
        std::sort(times.begin(), times.end());
        std::printf("replot with 20,000 points: median %.1f ms, slowest %.1f ms (setPoints %.1f ms)\n",
                    times[times.size() / 2], times.back(), setMs);
    }

    // 2. A search in the window, with a 5 ms heartbeat on the UI thread.
    const std::string dir = (fs::temp_directory_path() / "hat_bench_ui").string();
    fs::remove_all(dir);
    WorkspaceInit in;
    in.dir = dir;
    in.spacePath = kRoot + "/data/spaces/space0.yml";
    in.checkpoint = kRoot + "/data/demo/checkpoint_last.pt";
    in.fitness = demoFitnessSet(64);
    in.deviceIds = {"hat/wmt14ende_cpu_raspberrypi"};
    in.dataDir = kRoot + "/data";
    Workspace::init(in);

    ui::MainWindow w;
    w.resize(1400, 900);
    w.show();
    w.searchPanel()->setSettings(s);
    w.searchPanel()->setAutoResearch(false);
    w.openWorkspace(QString::fromStdString(dir));
    QElapsedTimer waited;
    waited.start();
    while (!w.workspaceOpen() && waited.elapsed() < 60000) app.processEvents(QEventLoop::AllEvents, 50);
    if (!w.workspaceOpen()) {
        std::fprintf(stderr, "the workspace did not open\n");
        return 1;
    }
    double worst = 0.0, sum = 0.0;
    int beats = 0;
    QElapsedTimer beat;
    QTimer heartbeat;
    heartbeat.setInterval(5);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const double gap = beat.nsecsElapsed() / 1e6;
        beat.restart();
        worst = std::max(worst, gap - 5.0);
        sum += gap;
        ++beats;
    });
    // Waits in an event loop, as the application does: a processEvents() loop would spin and take
    // the core's other hardware thread from the search.
    QEventLoop untilFinished;
    QObject::connect(w.controller(), &ui::SearchController::searchFinished, &untilFinished, &QEventLoop::quit);
    w.limitModel()->setAndCommit(6000.0);
    QElapsedTimer total;
    total.start();
    beat.start();
    heartbeat.start();
    w.searchPanel()->start(false);
    untilFinished.exec();
    heartbeat.stop();
    std::printf("search of %d generations x %d in the window: %.1f s; UI thread blocked at most %.1f ms "
                "(%d heartbeats, mean interval %.1f ms)\n",
                s.generations + 1, s.population, total.elapsed() / 1000.0, worst, beats, sum / std::max(1, beats));
    fs::remove_all(dir);
    return 0;
}
