#include "core/workspace/workspace.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/latency/device.h"
#include "core/latency/runtime.h"
#include "core/latency/latency_measure.h"
#include "core/latency/latency_predictor.h"
#include "core/model/checkpoint.h"
#include "core/model/inherited_weights.h"
#include "core/store/meta_keys.h"
#include "core/train/training_record.h"
#include "core/workspace/run_owner.h"
#include "core/workspace/workspace_copy.h"
#include "core/util/error.h"
#include "core/util/paths.h"

namespace hat {

namespace fs = std::filesystem;

std::string settingsToJson(const EvolutionSettings& s) {
    return nlohmann::json{{"population", s.population}, {"parents", s.parents}, {"mutations", s.mutations},
                          {"crossovers", s.crossovers}, {"generations", s.generations},
                          {"mutation_prob", s.mutationProb}, {"max_latency_ms", s.maxLatencyMs},
                          {"constrain_upper_bound", s.constrainUpperBound}, {"seed", s.seed},
                          {"surrogate_pool", s.surrogatePool}, {"surrogate_scored", s.surrogateScored},
                          {"racing", s.racing}, {"race_sigmas", s.raceSigmas},
                          {"max_size_mb", s.maxSizeMb}, {"size_precision", precisionName(s.sizePrecision)},
                          {"size_vocab", s.sizeVocab}}
        .dump();
}

EvolutionSettings settingsFromJson(const std::string& text) {
    const auto j = nlohmann::json::parse(text);
    EvolutionSettings s;
    s.population = j.at("population");
    s.parents = j.at("parents");
    s.mutations = j.at("mutations");
    s.crossovers = j.at("crossovers");
    s.generations = j.at("generations");
    s.mutationProb = j.at("mutation_prob");
    s.maxLatencyMs = j.at("max_latency_ms");
    s.constrainUpperBound = j.at("constrain_upper_bound");
    s.seed = j.at("seed");
    s.surrogatePool = j.value("surrogate_pool", 1);  // runs from before issue 19: HAT's evolution
    s.surrogateScored = j.value("surrogate_scored", 0);
    s.racing = j.value("racing", false);  // runs from before racing scored every child in full
    s.raceSigmas = j.value("race_sigmas", 3.0);
    s.maxSizeMb = j.value("max_size_mb", 0.0);  // runs from before issue 16: no size limit
    s.sizePrecision = parsePrecision(j.value("size_precision", std::string("fp32")));
    s.sizeVocab = j.value("size_vocab", 0);
    return s;
}

struct Workspace::Impl {
    std::string dir;
    WorkspaceDb db;
    DesignSpace space;
    std::unique_ptr<SupernetFitness> fitness;
    std::map<std::string, LatencyPredictor> predictors;
    std::map<std::string, std::map<Gene, LatencyBound>> latencyCache;
    int widthDivisor = 0;  // 0: not read yet
    std::string foundCheckpoint;  // a moved checkpoint found again (read-only: not stored)
};

namespace {
// Refuses, naming the database, what a read-only workspace cannot store.
void requireWritable(const WorkspaceDb& db, const std::string& what) {
    if (db.readOnly()) fail(db.path(), "opened read-only, so " + what + " cannot be stored here");
}
}  // namespace

Workspace::Workspace() = default;
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

void Workspace::init(const WorkspaceInit& in) {
    const std::string dbPath = in.dir + "/workspace.db";
    if (fs::exists(dbPath)) fail(dbPath, "a workspace already exists here");
    const DesignSpace space = DesignSpace::loadYaml(in.spacePath);
    if (!fs::exists(in.checkpoint)) fail(in.checkpoint, "cannot open file");
    // Built once now, so a damaged checkpoint or one for another space is refused here, not at
    // the first search (issue 15: a width divisor of 0 was accepted, then crashed every search).
    const SuperTransformer model = loadSuperTransformer(in.checkpoint, &space);
    // The fitness set is read once now too, so a bad dictionary, subword model or corpus is
    // refused with its file named when the workspace is made, not at the window's first answer.
    loadFitnessSet(in.fitness, loadFitnessDictionary(in.fitness, model->options().vocabSize, in.checkpoint));
    // The devices named, in the order named (the first is the window's default), else every
    // built-in device with a trained predictor.
    std::vector<Device> chosen;
    if (in.deviceIds.empty()) {
        for (const Device& dev : builtinDevices()) {
            if (!dev.predictorPath.empty() && fs::exists(dev.resolve(in.dataDir, dev.predictorPath))) chosen.push_back(dev);
        }
    }
    for (const auto& id : in.deviceIds) {
        const Device dev = findDevice(id);  // unknown ids: a clear error
        const bool seen = std::any_of(chosen.begin(), chosen.end(), [&](const Device& d) { return d.id == dev.id; });
        if (!seen) chosen.push_back(dev);
    }
    auto predictorOf = [&](const Device& dev) {
        const auto o = in.predictorOverrides.find(dev.id);
        if (o != in.predictorOverrides.end()) return o->second;
        return dev.predictorPath.empty() ? std::string() : dev.resolve(in.dataDir, dev.predictorPath);
    };
    std::map<std::string, std::vector<char>> predictorBytes;
    for (const Device& dev : chosen) {
        const std::string p = predictorOf(dev);
        if (p.empty() || !fs::exists(p)) fail(p.empty() ? dev.id : p, "device '" + dev.id + "' has no trained predictor yet");
        predictorBytes[dev.id] = readFileBytes(p);
        LatencyPredictor::loadBytes(predictorBytes[dev.id], p);  // a broken one is refused now, not at the first search
    }
    // Only now, with every input checked: a refused init leaves no folder behind.
    fs::create_directories(in.dir);
    WorkspaceDb db = WorkspaceDb::open(dbPath, true);
    db.transaction([&] {
        db.setSpace(space);
        db.setMeta(meta::kCheckpoint, relativePath(in.checkpoint, in.dir));
        db.setMeta(meta::kCorpus, relativePath(in.fitness.corpusDir, in.dir));
        db.setMeta(meta::kSubwordModel, relativePath(in.fitness.subwordModel, in.dir));
        db.setMeta(meta::kDictionary, relativePath(in.fitness.dictionary, in.dir));
        db.setMeta(meta::kSourceLang, in.fitness.sourceLang);
        db.setMeta(meta::kTargetLang, in.fitness.targetLang);
        db.setMeta(meta::kFitnessSplit, in.fitness.split);
        db.setMeta(meta::kFitnessSentences, std::to_string(in.fitness.sentences));
        db.setMeta(meta::kFitnessSampling, in.fitness.spread ? "spread" : "first");
        for (const Device& dev : chosen) {
            const int64_t id = db.addDevice({0, dev.id, dev.local ? "local" : "dataset",
                                             dev.name + " — " + dev.provenance, relativePath(predictorOf(dev), in.dir)});
            db.setDevicePredictor(id, predictorBytes[dev.id]);
        }
    });
}

void fillFromTrainingRecord(WorkspaceInit& in) {
    const fs::path ckDir = fs::path(in.checkpoint).parent_path();
    const fs::path recPath = ckDir / "train_options.json";
    if (!fs::exists(recPath)) return;
    // Read as every training record is: a FIFO or a huge file is refused, not waited on.
    const nlohmann::json rec = readTrainingRecord(recPath.string());
    auto recorded = [&](const char* key) { return recordString(rec, key, recPath.string()); };
    auto pick = [&](std::string& field, const char* key) {
        if (field.empty() && !recorded(key).empty()) field = (ckDir / recorded(key)).lexically_normal().string();
    };
    pick(in.fitness.corpusDir, "corpus");
    pick(in.fitness.subwordModel, "spm");
    pick(in.fitness.dictionary, "dict");
    if (!recorded("src").empty()) in.fitness.sourceLang = recorded("src");
    if (!recorded("tgt").empty()) in.fitness.targetLang = recorded("tgt");
}

Workspace Workspace::open(const std::string& dir, WorkspaceAccess access) {
    const std::string path = dir + "/workspace.db";
    bool readOnly = access == WorkspaceAccess::ReadOnly;
    std::error_code ec;
    if (!readOnly && fs::exists(path, ec) && !databaseWritable(path)) {
        if (access == WorkspaceAccess::ReadWrite) {
            fail(path, "cannot be written (the file or its folder is read-only), and this command stores what it "
                       "does; the commands that only read (pareto, export, compare) still work");
        }
        readOnly = true;
    }
    Workspace w;
    w.d = std::make_unique<Impl>(
        Impl{dir, readOnly ? WorkspaceDb::openReadOnly(path) : WorkspaceDb::open(path), {}, nullptr, {}, {}});
    w.d->space = w.d->db.space();
    if (readOnly) return w;  // predictors are read from their files when not stored (see predictor)
    // A workspace from before predictors were kept in the database takes them in now, while the
    // files its paths name are still where they were; one whose file is gone fails at first use.
    for (const DeviceRecord& rec : w.d->db.devices()) {
        if (rec.predictorPath.empty() || !w.d->db.devicePredictor(rec.id).empty()) continue;
        if (!fs::is_regular_file(resolveIn(dir, rec.predictorPath))) continue;
        try {
            w.predictor(rec.name);
        } catch (const Error&) {
            // Not a predictor: left for the first search to report, naming the file.
        }
    }
    return w;
}

void Workspace::copy(const std::string& fromDir, const std::string& toDir) {
    copyWorkspace(fromDir, toDir);
    open(toDir);  // an older source's predictors are taken into the copy now (see open)
}

const std::string& Workspace::dir() const { return d->dir; }
DesignSpace Workspace::space() { return d->space; }
std::vector<DeviceRecord> Workspace::devices() { return d->db.devices(); }

DeviceRecord Workspace::device(const std::string& name) {
    if (auto r = d->db.device(name)) return *r;
    // A unique part of an id is enough: "raspberrypi" for "hat/wmt14ende_cpu_raspberrypi".
    std::vector<DeviceRecord> matches;
    for (const auto& r : d->db.devices()) {
        if (r.name.find(name) != std::string::npos) matches.push_back(r);
    }
    if (matches.size() == 1) return matches.front();
    std::string known;
    for (const auto& r : d->db.devices()) known += (known.empty() ? "" : ", ") + r.name;
    throw Error((matches.empty() ? "unknown device '" : "ambiguous device '") + name +
                "' (this workspace has: " + known + ")");
}

std::string Workspace::checkpointPath() {
    std::string stored = resolveIn(d->dir, d->db.meta(meta::kCheckpoint).value_or(""));
    if (stored.empty() || fs::exists(stored)) return stored;
    if (!d->foundCheckpoint.empty()) return d->foundCheckpoint;
    // A workspace moved without its SuperTransformer: the relative path now points elsewhere.
    // Where the file was when its evaluations were stored (the supernet records keep absolute
    // paths), or a file of the same name beside the workspace, is taken when its checksum is one
    // the evaluations were made with; the stored path is updated so the search happens once.
    const auto records = d->db.supernets();
    const std::string name = fs::path(stored).filename().string();
    std::vector<std::string> candidates;
    candidates.reserve(records.size() + 2);
    for (const SupernetRecord& r : records) candidates.push_back(r.path);
    candidates.push_back((fs::path(d->dir) / name).string());
    candidates.push_back((fs::path(d->dir).parent_path() / name).string());
    for (const std::string& c : candidates) {
        if (!fs::is_regular_file(c)) continue;
        const std::string sum = fileChecksum(c);
        const bool known = std::any_of(records.begin(), records.end(),
                                       [&](const SupernetRecord& r) { return r.checksum == sum; });
        if (!known) continue;
        if (!d->db.readOnly()) d->db.setMeta(meta::kCheckpoint, relativePath(c, d->dir));
        return d->foundCheckpoint = fs::absolute(c).lexically_normal().string();
    }
    return stored;  // loading it names the path that is missing
}

void Workspace::relocateCheckpoint(const std::string& path) {
    requireWritable(d->db, "a new SuperTransformer path");
    if (!fs::is_regular_file(path)) fail(path, "cannot open file");
    const auto records = d->db.supernets();
    const std::string sum = fileChecksum(path);
    const bool known = records.empty() || std::any_of(records.begin(), records.end(),
                                                      [&](const SupernetRecord& r) { return r.checksum == sum; });
    if (!known) fail(path, "is not the SuperTransformer this workspace's evaluations were made with (checksum differs)");
    d->db.setMeta(meta::kCheckpoint, relativePath(path, d->dir));
    d->foundCheckpoint.clear();
    d->fitness.reset();
}

FitnessSetOptions Workspace::fitnessSet() {
    auto m = [&](const char* k) { return d->db.meta(k).value_or(""); };
    FitnessSetOptions o;
    o.corpusDir = resolveIn(d->dir, m(meta::kCorpus));
    o.subwordModel = resolveIn(d->dir, m(meta::kSubwordModel));
    o.dictionary = resolveIn(d->dir, m(meta::kDictionary));
    o.sourceLang = m(meta::kSourceLang);
    o.targetLang = m(meta::kTargetLang);
    o.split = m(meta::kFitnessSplit);
    const std::string n = m(meta::kFitnessSentences);
    try {
        size_t used = 0;
        o.sentences = std::stoi(n, &used);
        if (used != n.size() || o.sentences < 0) throw std::invalid_argument(n);
    } catch (const std::logic_error&) {
        fail(d->db.path(), "meta entry " + std::string(meta::kFitnessSentences) + " is '" + n +
                               "', not a number of sentences");
    }
    o.spread = m(meta::kFitnessSampling) == "spread";  // absent in older workspaces: the first N
    return o;
}

SupernetFitness& Workspace::fitness() {
    if (!d->fitness) d->fitness = std::make_unique<SupernetFitness>(checkpointPath(), fitnessSet(), d->db);
    return *d->fitness;
}

std::optional<RunRecord> Workspace::run(int64_t runId) { return d->db.run(runId); }

std::optional<RunRecord> Workspace::latestRun(const std::string& name) {
    return d->db.latestRun(device(name).id);
}

StoredGeneration Workspace::lastGeneration(int64_t runId) {
    StoredGeneration g;
    g.generation = d->db.generationCount(runId) - 1;
    if (g.generation >= 0) g.members = d->db.generationMembers(runId, g.generation);
    return g;
}

std::vector<GenerationSummary> Workspace::runHistory(int64_t runId) {
    std::vector<GenerationSummary> out;
    const std::vector<double> seconds = d->db.generationSeconds(runId);
    std::set<Gene> seen;
    for (int g = 0; g < static_cast<int>(seconds.size()); ++g) {
        const std::vector<Candidate> members = d->db.generationMembers(runId, g);
        if (members.empty()) continue;
        GenerationSummary s;
        s.generation = g;
        s.best = members.front();
        s.bestSoFar = out.empty() ? s.best.fitness : std::min(out.back().bestSoFar, s.best.fitness);
        s.seconds = seconds[static_cast<size_t>(g)];
        for (const Candidate& c : members) {
            s.newMembers += seen.insert(canonicalGene(c.gene, d->space)).second;
            s.raced += c.raced;
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string Workspace::runDevice(const RunRecord& run) {
    for (const DeviceRecord& dev : d->db.devices()) {
        if (dev.id == run.deviceId) return dev.name;
    }
    throw Error("search run " + std::to_string(run.id) + " names a device that is not in " + d->db.path());
}

std::optional<double> Workspace::storedBleu(const Gene& gene) {
    SupernetFitness& f = fitness();
    return d->db.evaluationBleu(f.supernetId(), f.fitnessSetId(), canonicalGene(gene, d->space));
}

int64_t Workspace::evaluationCount() {
    SupernetFitness& f = fitness();
    return d->db.evaluationCount(f.supernetId(), f.fitnessSetId());
}

const std::string& Workspace::databasePath() const { return d->db.path(); }
bool Workspace::readOnly() const { return d->db.readOnly(); }

int64_t Workspace::exportInheritedWeights(const Gene& gene, const std::string& path) {
    DesignSpace space = d->space;
    SuperTransformer model = loadSuperTransformer(checkpointPath(), &space);
    const TensorDict weights = inheritedWeights(*model, geneToConfig(gene, space));
    saveTensorDict(weights, path);
    int64_t n = 0;
    for (const auto& [name, t] : weights) n += t.numel();
    return n;
}

const LatencyPredictor& Workspace::predictor(const std::string& name) {
    auto it = d->predictors.find(name);
    if (it == d->predictors.end()) {
        const DeviceRecord rec = device(name);
        const std::string path = resolveIn(d->dir, rec.predictorPath);
        std::vector<char> bytes = d->db.devicePredictor(rec.id);
        const bool stored = !bytes.empty();
        if (!stored) bytes = readFileBytes(path);
        LatencyPredictor p = LatencyPredictor::loadBytes(bytes, path);
        if (!stored && !d->db.readOnly()) d->db.setDevicePredictor(rec.id, bytes);
        it = d->predictors.emplace(name, std::move(p)).first;
    }
    return it->second;
}

LatencyBound Workspace::latency(const std::string& name, const Gene& gene) {
    auto& cache = d->latencyCache[name];
    const auto hit = cache.find(gene);
    if (hit != cache.end()) return hit->second;
    const LatencyEstimate e = predictor(name).estimate(geneToConfig(gene, d->space));
    const LatencyBound b{e.ms, e.hasInterval() ? e.highMs : e.ms};
    cache.emplace(gene, b);
    return b;
}

LatencyRange Workspace::latencyRange(const std::string& name) {
    const Gene smallest = configToGene(SubConfig::smallest(d->space), d->space);
    const Gene largest = configToGene(SubConfig::largest(d->space), d->space);
    return {latency(name, smallest), latency(name, largest)};
}

int Workspace::widthDivisor() {
    if (d->widthDivisor > 0) return d->widthDivisor;
    if (d->fitness) {
        // Loaded already: the divisor the evaluations are stored under is the exact answer.
        if (auto rec = d->db.supernet(d->fitness->supernetId())) return d->widthDivisor = rec->widthDivisor;
    }
    const std::string checkpoint = checkpointPath();
    // The record `hat train` wrote beside its checkpoints is a few hundred bytes; the checkpoint
    // is the whole model. A record that does not say is no error: the checkpoint still knows.
    const fs::path record = fs::path(checkpoint).parent_path() / "train_options.json";
    std::error_code ec;
    if (fs::is_regular_file(record, ec)) {
        const auto j = nlohmann::json::parse(std::ifstream(record), nullptr, false);
        if (j.is_object() && j.contains("width_divisor") && j["width_divisor"].is_number_integer() &&
            j["width_divisor"].get<int>() >= 1) {
            return d->widthDivisor = j["width_divisor"].get<int>();
        }
    }
    if (checkpoint.empty()) throw Error(d->db.path() + ": workspace names no SuperTransformer");
    return d->widthDivisor = readCheckpointInfo(loadTensorDict(checkpoint), checkpoint).widthDivisor;
}

MeasurementRecord Workspace::measureHere(const std::string& name, const Gene& gene, const CancelToken* cancel) {
    requireWritable(d->db, "a measurement");
    const DeviceRecord rec = device(name);
    if (rec.kind != "local") {
        throw Error("device '" + rec.name + "' was measured elsewhere; only a local device can be measured here");
    }
    // The thread count is part of the built-in local device's identity ("local/1t", ...).
    const Device dev = findDevice(rec.name);
    MeasureOptions o;
    o.threads = dev.threads;
    o.runtime = dev.runtime;
    o.warmups = 1;  // as data/latency/local/*.csv were measured, so the rows are comparable
    o.runs = 5;
    const Gene canonical = canonicalGene(gene, d->space);
    const SubConfig config = geneToConfig(canonical, d->space);
    const LatencySample s = LatencyMeter(d->space, o).measure(config, cancel);
    const LatencyEstimate e = predictor(rec.name).estimate(config);
    MeasurementRecord m;
    m.gene = canonical;
    m.encoderMs = s.encoderMs;
    m.decoderMs = s.decoderMs;
    m.encoderSdMs = s.encoderStdMs;
    m.decoderSdMs = s.decoderStdMs;
    m.protocol = s.protocol.summary();
    m.predictedMs = e.ms;
    m.lowerMs = e.hasInterval() ? e.lowMs : e.ms;
    m.upperMs = e.hasInterval() ? e.highMs : e.ms;
    const int64_t id = d->db.addMeasurement(rec.id, m);
    for (auto& stored : d->db.measurements(rec.id)) {
        if (stored.id == id) return stored;  // with the database's timestamp
    }
    m.id = id;
    return m;
}

std::vector<MeasurementRecord> Workspace::measurements(const std::string& name) {
    return d->db.measurements(device(name).id);
}

void Workspace::ensureLatencies(const std::string& name) {
    const DeviceRecord dev = device(name);
    SupernetFitness& f = fitness();
    // Evaluations that have no latency row for this device yet (e.g. found by another device's search).
    std::vector<std::pair<Gene, LatencyBound>> missing;
    for (const Gene& g : d->db.genesWithoutLatency(f.supernetId(), f.fitnessSetId(), dev.id)) {
        missing.emplace_back(g, latency(name, g));
    }
    if (!missing.empty()) d->db.addLatencies(dev.id, missing);
}

std::optional<EvaluatedPoint> Workspace::instantAnswer(const std::string& name, double limitMs, bool useUpper) {
    if (d->db.readOnly()) {
        // The database's rule (lowest loss, then the gene's text) over latencies partly in memory.
        std::optional<EvaluatedPoint> best;
        for (EvaluatedPoint& p : evaluatedPoints(name)) {
            if (!p.latency().within(limitMs, useUpper)) continue;
            if (!best || p.validLoss < best->validLoss ||
                (p.validLoss == best->validLoss && geneToText(p.gene) < geneToText(best->gene))) {
                best = std::move(p);
            }
        }
        return best;
    }
    ensureLatencies(name);
    const SupernetFitness& f = fitness();
    return d->db.bestUnder(f.supernetId(), f.fitnessSetId(), device(name).id, limitMs, useUpper);
}

std::vector<EvaluatedPoint> Workspace::evaluatedPoints(const std::string& name) {
    const int64_t deviceId = device(name).id;
    const SupernetFitness& f = fitness();
    if (!d->db.readOnly()) {
        ensureLatencies(name);
        return d->db.evaluatedPoints(f.supernetId(), f.fitnessSetId(), deviceId);
    }
    // Read-only: evaluations with no stored latency on this device get theirs predicted here, in
    // memory (cached per device like every prediction), in the order the query gives the rest.
    std::vector<EvaluatedPoint> points = d->db.evaluatedPoints(f.supernetId(), f.fitnessSetId(), deviceId);
    for (const Gene& g : d->db.genesWithoutLatency(f.supernetId(), f.fitnessSetId(), deviceId)) {
        const LatencyBound b = latency(name, g);
        const auto loss = d->db.evaluation(f.supernetId(), f.fitnessSetId(), g);
        if (!loss) continue;  // cannot happen: the gene was read from the evaluation just now
        points.push_back({g, *loss, d->db.evaluationBleu(f.supernetId(), f.fitnessSetId(), g), b.ms, b.upperMs});
    }
    std::stable_sort(points.begin(), points.end(),
                     [](const EvaluatedPoint& a, const EvaluatedPoint& b) { return a.latencyMs < b.latencyMs; });
    return points;
}

namespace {
struct LatencyAdapter : LatencySource {
    Workspace* w;
    std::string device;
    LatencyBound latency(const Gene& g) override { return w->latency(device, g); }
};

// Writes every generation (and the latencies of its members) before telling the caller, then
// reports the generations scored of all (a resumed run's first report is where it resumed).
// Each write checks that the run is still this process's and refreshes its heartbeat.
struct StoringObserver : EvolutionObserver {
    WorkspaceDb* db;
    int64_t runId, deviceId;
    RunOwner owner;
    int populations;  // generations + 1 are scored
    EvolutionObserver* next;
    const ProgressSink* progress;
    void onGeneration(const GenerationReport& r) override {
        std::vector<std::pair<Gene, LatencyBound>> lat;
        for (const auto& c : r.population) lat.emplace_back(c.gene, c.latency);
        db->addLatencies(deviceId, lat);
        owner.heartbeat = unixSeconds();
        db->writeGeneration(runId, r, &owner);
        if (next) next->onGeneration(r);
        char best[96];
        std::snprintf(best, sizeof best, ": best loss %.4f at %.1f ms", r.best.fitness, r.best.latency.ms);
        progress->report(double(r.generation + 1) / populations,
                         "generation " + std::to_string(r.generation + 1) + " of " + std::to_string(populations) + best);
    }
};
}  // namespace

SearchOutcome Workspace::runSearch(const std::string& name, const EvolutionSettings& s, int64_t runId,
                                   std::optional<EvolutionState> state, const std::vector<Gene>& seeds,
                                   EvolutionObserver* observer, const CancelToken* cancel,
                                   const ProgressSink& progress) {
    const auto start = std::chrono::steady_clock::now();
    const RunOwner me = thisProcess();  // a resumed run (runId given) was claimed by resume()
    SearchOutcome out;
    try {
        SupernetFitness& f = fitness();
        const int computed0 = f.computed(), reused0 = f.reused(), raced0 = f.raced();
        LatencyAdapter lat;
        lat.w = this;
        lat.device = name;
        Evolution evo(d->space, s, lat, f);
        if (!state) {
            // A new run, owned by this process: stored once generation 0 exists (so an impossible
            // limit leaves no trace), with generation 0 as the state a kill before its end resumes.
            state = evo.initialState(seeds);
            runId = d->db.createRun({0, device(name).id, s.maxLatencyMs, s.seed, settingsToJson(s), "running", me},
                                    *state);
        }
        // A resumed run's surrogate learns what the run measured before, as it had uninterrupted.
        if (s.surrogatePool > 1) {
            for (int g = 0; g < state->generation; ++g) evo.remember(d->db.generationMembers(runId, g));
        }
        const RunHeartbeat heartbeat(d->db.path(), runId, me);
        StoringObserver store;
        store.db = &d->db;
        store.runId = runId;
        store.owner = me;
        store.deviceId = device(name).id;
        store.populations = s.generations + 1;
        store.next = observer;
        store.progress = &progress;
        out.runId = runId;
        const int scored = state->generation, all = s.generations + 1;
        progress.report(double(scored) / all, scored == 0 ? "scoring generation 1 of " + std::to_string(all)
                                                          : "resumed: " + std::to_string(scored) + " of " +
                                                                std::to_string(all) + " generations scored");
        const EvolutionResult r = evo.run(std::move(*state), &store, cancel);
        out.best = r.best;
        out.generations = r.generations;
        out.cancelled = r.cancelled;
        out.computed = f.computed() - computed0;
        out.reused = f.reused() - reused0;
        out.raced = f.raced() - raced0;
    } catch (...) {
        // Marked failed and let go only while it is still ours: a run taken over is the new
        // owner's. A failure to say so (e.g. a full disk) must not hide the error itself.
        if (runId != 0) {
            try {
                d->db.releaseRun(runId, me, "failed");
            } catch (const std::exception&) {
            }
        }
        throw;
    }
    d->db.releaseRun(runId, me, out.cancelled ? "cancelled" : "");
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

Precision precisionOfDevice(const std::string& deviceId) {
    for (const Device& d : builtinDevices()) {
        if (d.id == deviceId) return findRuntime(d.runtime).precision;
    }
    return Precision::Fp32;  // a device measured elsewhere: fp32, as HAT's are
}

SearchOutcome Workspace::search(const std::string& name, EvolutionSettings s, bool warm,
                                EvolutionObserver* observer, const CancelToken* cancel,
                                const ProgressSink& progress) {
    requireWritable(d->db, "a search");
    device(name);  // an unknown device fails here, naming the known ones
    if (s.maxSizeMb > 0) {
        // The size of what ships to the device: held at its runtime's precision, with the
        // vocabulary the latency devices are measured with (HAT's WMT dictionary).
        s.sizePrecision = precisionOfDevice(name);
        if (s.sizeVocab == 0) s.sizeVocab = kDeployedVocab;
    }
    std::vector<Gene> seeds;
    if (warm) {
        // The best stored architectures under the new limit seed generation 0.
        auto points = evaluatedPoints(name);
        std::sort(points.begin(), points.end(),
                  [](const EvaluatedPoint& a, const EvaluatedPoint& b) { return a.validLoss < b.validLoss; });
        for (const auto& p : points) {
            if (p.latency().within(s.maxLatencyMs, s.constrainUpperBound)) seeds.push_back(p.gene);
            if (static_cast<int>(seeds.size()) >= s.population) break;
        }
    }
    return runSearch(name, s, 0, std::nullopt, seeds, observer, cancel, progress);
}

SearchOutcome Workspace::resume(int64_t runId, EvolutionObserver* observer, const CancelToken* cancel,
                                const ProgressSink& progress) {
    requireWritable(d->db, "a resumed search");
    const auto run = d->db.run(runId);
    if (!run) throw Error("no search run " + std::to_string(runId) + " in " + d->db.path());
    std::string name;
    for (const auto& dev : d->db.devices()) {
        if (dev.id == run->deviceId) name = dev.name;
    }
    const EvolutionSettings s = settingsFromJson(run->settingsJson);
    // Claimed before its state is read: a live owner may still be storing generations.
    const RunOwner me = thisProcess();
    const RunClaim claim = d->db.claimRun(runId, me, [&](const RunOwner& o) { return ownerIsDead(o, me); });
    if (!claim.claimed) {
        fail(d->db.path(), "search run " + std::to_string(runId) + " is already running (" +
                               (claim.previous ? describeOwner(*claim.previous, me.heartbeat) : "another process") +
                               "); wait for it to end or stop that process first");
    }
    auto state = d->db.resumeState(runId);
    if (!state) {
        d->db.releaseRun(runId, me);
        throw Error("search run " + std::to_string(runId) + " has nothing to resume (status " + run->status + ")");
    }
    d->db.setRunStatus(runId, "running");
    return runSearch(name, s, runId, std::move(*state), {}, observer, cancel, progress);
}

}  // namespace hat
