// Time to the answer (issue 19): how long until a search holds the answer the plain evolution
// finds, on the demo workspace, for each built-in device at a mid-range limit (the median predicted
// latency of 201 random architectures).
//
// The plain evolution at HAT's settings (30 generations, population 125, 25 parents, 50 mutations
// at p 0.3, 50 crossovers) over several seeds gives the reference: the median of its final best
// losses. Every method then reports, as medians over the seeds: supernet evaluations computed,
// sentences evaluated, seconds until its best-so-far is within 0.002 (the loss's unit, bits) of the
// reference, and its own final best. Each run starts from a fresh workspace, so a method gains only
// from what it stored itself. Methods:
//   hat     HAT's own evolution re-evaluates every member of every generation: its evaluations are
//           counted (populations x members) and its time estimated at our measured seconds per
//           computed evaluation; nothing is run for it.
//   plain   our evolution, which looks up what the run already evaluated.
//   pool N  the evolution with the quality surrogate: N times the children bred, the best
//           predicted scored (EvolutionSettings::surrogatePool); "N/S" scores only S children a
//           generation (surrogateScored); one row per --pools entry.
//   ...r    with racing (EvolutionSettings::racing): "1r" is racing alone, "4r" racing with pool
//           4. Sentences count what the stopped races evaluated.
// Every seed runs plain and then each method, so the machine's drift touches all alike.
//
//   bench_time_to_answer [--devices a,b] [--seeds 5] [--generations 30] [--population 125]
//                        [--sentences 64] [--threads 1] [--pools 4,4/25,1r]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>

#include "bench/demo_search_bench.h"
#include "core/model/compute_threads.h"
#include "core/space/sampling.h"
#include "core/util/allocator.h"
#include "core/workspace/workspace.h"

using namespace hat;
using namespace hat::bench;
namespace fs = std::filesystem;

namespace {

constexpr double kWithin = 0.002;

// Best-so-far after every scored population, with the time since the search began.
struct BestSoFar : EvolutionObserver {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::vector<std::pair<double, double>> points;  // (seconds, best so far)
    void onGeneration(const GenerationReport& r) override {
        const double best = points.empty() ? r.best.fitness : std::min(points.back().second, r.best.fitness);
        points.emplace_back(secondsSince(start), best);
    }
    // Seconds until the best was within kWithin of `reference`; negative when it never was.
    double secondsToReach(double reference) const {
        for (const auto& [t, best] : points)
            if (best <= reference + kWithin) return t;
        return -1.0;
    }
};

struct RunFigures {
    double evaluations = 0, sentences = 0, secondsToReference = -1, finalBest = 0, seconds = 0;
};

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string s; std::getline(ss, s, ',');)
        if (!s.empty()) out.push_back(s);
    return out;
}

// One search from a fresh workspace; the reference is applied afterwards.
std::pair<RunFigures, BestSoFar> searchRun(const std::string& dir, const std::string& device, EvolutionSettings s,
                                          int sentences) {
    Workspace w = Workspace::open(freshWorkspace(dir, device, sentences));
    w.fitness();  // load the SuperTransformer and fitness set before the clock starts
    BestSoFar timeline;
    const SearchOutcome out = w.search(device, s, false, &timeline);
    RunFigures f;
    f.evaluations = out.computed;
    f.sentences = (double(out.computed) + out.raced * w.fitness().racedShare()) * sentences;
    f.finalBest = out.best.fitness;
    f.seconds = out.seconds;
    return {f, timeline};
}

void printRow(const std::string& method, const std::vector<RunFigures>& runs, bool estimated) {
    std::vector<double> ev, se, tt, fb;
    int reached = 0;
    for (const auto& r : runs) {
        ev.push_back(r.evaluations);
        se.push_back(r.sentences);
        fb.push_back(r.finalBest);
        if (r.secondsToReference >= 0) {
            tt.push_back(r.secondsToReference);
            ++reached;
        }
    }
    std::printf("  %-9s %11.0f %11.0f %12s %10.4f   reached in %d of %zu%s\n", method.c_str(), median(ev), median(se),
                tt.empty() ? "never" : (std::to_string(int(median(tt) + 0.5)) + " s").c_str(), median(fb), reached,
                runs.size(), estimated ? " (time estimated)" : "");
}

}  // namespace

int main(int argc, char** argv) {
    keepFreedMemory();
    std::vector<std::string> devices;
    int seeds = 5, sentences = 64, threads = 1;
    struct Method {
        int pool = 1, scored = 0;
        bool racing = false;
        std::string name;
    };
    std::vector<Method> methods{{4, 0, false, "pool 4"}};
    EvolutionSettings s;  // HAT's settings by default
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
        if (a == "--devices") devices = split(next());
        else if (a == "--seeds") seeds = std::stoi(next());
        else if (a == "--sentences") sentences = std::stoi(next());
        else if (a == "--threads") threads = std::stoi(next());
        else if (a == "--pools") {
            // "4" (pool 4, every child bred scored as without it), "4/25" (25 scored), "...r" racing
            methods.clear();
            for (std::string p : split(next())) {
                Method m;
                m.racing = p.back() == 'r';
                if (m.racing) p.pop_back();
                const size_t slash = p.find('/');
                m.pool = std::stoi(p.substr(0, slash));
                m.scored = slash == std::string::npos ? 0 : std::stoi(p.substr(slash + 1));
                m.name = m.pool == 1 ? std::string(m.racing ? "racing" : "plain") : "pool " + p;
                if (m.pool > 1 && m.racing) m.name += "+race";
                methods.push_back(m);
            }
        }
        else if (a == "--generations") s.generations = std::stoi(next());
        else if (a == "--population") {
            s.population = std::stoi(next());
            s.parents = s.population / 5;
            s.mutations = s.crossovers = s.population * 2 / 5;
        }
    }
    setComputeThreads(threads);
    const std::string root = (fs::temp_directory_path() / "hat_bench_time_to_answer").string();
    if (devices.empty()) {
        // Every built-in device with a predictor, as a new workspace has them.
        WorkspaceInit in;
        in.dir = root + "/devices";
        fs::remove_all(in.dir);
        in.spacePath = kRoot + "/data/spaces/space0.yml";
        in.checkpoint = kRoot + "/data/demo/checkpoint_last.pt";
        in.fitness = demoFitnessSet(sentences);
        in.dataDir = kRoot + "/data";
        Workspace::init(in);
        for (const auto& d : Workspace::open(in.dir).devices()) devices.push_back(d.name);
    }
    std::printf("demo workspace, %d fitness sentences, %d thread(s), %d seeds, %d generations x %d, within %.3f\n",
                sentences, threads, seeds, s.generations, s.population, kWithin);
    for (const auto& device : devices) {
        double limit = 0;
        {
            Workspace w = Workspace::open(freshWorkspace(root + "/limit", device, sentences));
            limit = midRangeLimit(w, device);
        }
        s.maxLatencyMs = limit;
        // Per seed: plain, then every method.
        std::vector<RunFigures> plain;
        std::vector<BestSoFar> timelines;
        std::vector<std::vector<std::pair<RunFigures, BestSoFar>>> byMethod(methods.size());
        for (int seed = 1; seed <= seeds; ++seed) {
            s.seed = uint64_t(seed);
            auto [f, t] = searchRun(root + "/run", device, s, sentences);
            std::printf("    %s seed %d: %.0f s, %.0f computed, best %.4f\n", device.c_str(), seed, f.seconds,
                        f.evaluations, f.finalBest);
            std::fflush(stdout);
            plain.push_back(f);
            timelines.push_back(std::move(t));
            for (size_t m = 0; m < methods.size(); ++m) {
                EvolutionSettings ms = s;
                ms.surrogatePool = methods[m].pool;
                ms.surrogateScored = methods[m].scored;
                ms.racing = methods[m].racing;
                auto run = searchRun(root + "/run", device, ms, sentences);
                std::printf("    %s %s seed %d: %.0f s, %.0f computed, %.0f sentences, best %.4f\n", device.c_str(),
                            methods[m].name.c_str(), seed, run.first.seconds, run.first.evaluations,
                            run.first.sentences, run.first.finalBest);
                std::fflush(stdout);
                byMethod[m].push_back(std::move(run));
            }
        }
        std::vector<double> finals;
        for (const auto& f : plain) finals.push_back(f.finalBest);
        const double reference = median(finals);
        for (size_t k = 0; k < plain.size(); ++k) plain[k].secondsToReference = timelines[k].secondsToReach(reference);

        // HAT's evolution: every member of every scored population is evaluated; its time at our
        // seconds per computed evaluation, reaching the reference when plain does.
        std::vector<RunFigures> hat;
        const double populations = s.generations + 1.0;
        for (size_t k = 0; k < plain.size(); ++k) {
            RunFigures h = plain[k];
            const double perEval = plain[k].seconds / std::max(1.0, plain[k].evaluations);
            h.evaluations = populations * s.population;
            h.sentences = h.evaluations * sentences;
            if (plain[k].secondsToReference >= 0) {
                // Populations scored until plain reached it, each a full population for HAT.
                size_t g = 0;
                while (g < timelines[k].points.size() && timelines[k].points[g].second > reference + kWithin) ++g;
                h.secondsToReference = double(g + 1) * s.population * perEval;
            }
            hat.push_back(h);
        }
        std::vector<std::pair<std::string, std::vector<RunFigures>>> pooled;
        for (size_t m = 0; m < methods.size(); ++m) {
            std::vector<RunFigures> runs;
            for (auto& [f, t] : byMethod[m]) {
                f.secondsToReference = t.secondsToReach(reference);
                runs.push_back(f);
            }
            pooled.emplace_back(methods[m].name, std::move(runs));
        }
        std::printf("%s at %.1f ms: reference best %.4f (median final of plain)\n", device.c_str(), limit, reference);
        std::printf("  %-9s %11s %11s %12s %10s\n", "method", "evaluations", "sentences", "to reference", "final best");
        printRow("hat", hat, true);
        printRow("plain", plain, false);
        for (const auto& [name, runs] : pooled) printRow(name, runs, false);
        std::fflush(stdout);
    }
    fs::remove_all(root);
    return 0;
}
