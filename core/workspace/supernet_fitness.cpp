#include "core/workspace/supernet_fitness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/data/subword_model.h"
#include "core/eval/fitness_evaluator.h"
#include "core/eval/translation_quality.h"
#include "core/model/checkpoint.h"
#include "core/store/workspace_db.h"
#include "core/model/compute_threads.h"
#include "core/util/error.h"

namespace hat {

namespace {

uint64_t fnv1a(const char* data, size_t n, uint64_t h = 0xcbf29ce484222325ULL) {
    for (size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(data[i]);
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string hex(uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string corpusFile(const FitnessSetOptions& o, const std::string& lang) {
    const std::string base = o.corpusDir + "/" + o.split + "." + lang;
    return std::filesystem::exists(base + ".gz") ? base + ".gz" : base;
}

}  // namespace

ParallelText loadFitnessText(const FitnessSetOptions& o) {
    ParallelText text = loadParallelText(corpusFile(o, o.sourceLang), corpusFile(o, o.targetLang));
    if (o.sentences > 0 && static_cast<size_t>(o.sentences) < text.source.size()) {
        ParallelText subset;
        const size_t n = static_cast<size_t>(o.sentences), total = text.source.size();
        for (size_t i = 0; i < n; ++i) {
            const size_t line = o.spread ? i * total / n : i;
            subset.source.push_back(text.source[line]);
            subset.target.push_back(text.target[line]);
        }
        text = std::move(subset);
    }
    return text;
}

TokenizedCorpus loadFitnessSet(const FitnessSetOptions& o, const Dictionary& dict) {
    std::optional<SubwordModel> spm;
    if (!o.subwordModel.empty()) spm = SubwordModel::load(o.subwordModel);
    return tokenize(loadFitnessText(o), dict, spm ? &*spm : nullptr, 1022, corpusFile(o, o.sourceLang));
}

Dictionary loadFitnessDictionary(const FitnessSetOptions& o, int64_t vocabSize, const std::string& checkpoint) {
    Dictionary dict = Dictionary::loadFairseq(o.dictionary);
    if (static_cast<int64_t>(dict.size()) != vocabSize) {
        fail(o.dictionary, "has " + std::to_string(dict.size()) + " symbols, " + checkpoint + " needs " +
                               std::to_string(vocabSize));
    }
    return dict;
}

std::string fileChecksum(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open file");
    uint64_t h = 0xcbf29ce484222325ULL;
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof(buf));
        h = fnv1a(buf, static_cast<size_t>(in.gcount()), h);
    }
    return hex(h);
}

struct SupernetFitness::Impl {
    WorkspaceDb* db = nullptr;
    DesignSpace space;
    std::unique_ptr<FitnessEvaluator> evaluator;
    // For BLEU: the model (shared with the evaluator, used only while it is idle), the fitness
    // set's pairs and their reference text, and the way back from ids to text.
    std::optional<SuperTransformer> model;
    std::optional<Dictionary> dict;
    std::optional<SubwordModel> subwords;
    TokenizedCorpus data;
    std::vector<std::string> references;
    int64_t supernetId = 0, fitnessSetId = 0;
    int computed = 0, reused = 0, raced = 0;
    double racedShareSum = 0.0;
    // Raced genes' bounds after each batch they ran, this object's life. Thresholds only fall
    // within a run, so a gene raced again stops where a new race would: at the first bound above
    // the new threshold (the same number, whether the run was resumed or not).
    std::map<Gene, std::vector<double>> racedBounds;
    double racedSigmas = 0.0;  // the margin those bounds were formed with
};

std::vector<Gene> raceReferenceGenes(const DesignSpace& space) {
    const auto choices = space.geneChoices();
    std::vector<Gene> out(3, Gene(choices.size()));
    for (size_t k = 0; k < choices.size(); ++k) {
        out[0][k] = *std::min_element(choices[k].begin(), choices[k].end());
        out[2][k] = *std::max_element(choices[k].begin(), choices[k].end());
        std::vector<int> sorted = choices[k];
        std::sort(sorted.begin(), sorted.end());
        out[1][k] = sorted[sorted.size() / 2];
    }
    return out;
}

SupernetFitness::SupernetFitness(const std::string& checkpoint, const FitnessSetOptions& o, WorkspaceDb& db)
    : d(std::make_unique<Impl>()) {
    d->db = &db;
    d->space = db.space();
    SuperTransformer model = loadSuperTransformer(checkpoint, &d->space);
    const Dictionary dict = loadFitnessDictionary(o, model->options().vocabSize, checkpoint);
    const ParallelText text = loadFitnessText(o);
    if (!o.subwordModel.empty()) d->subwords = SubwordModel::load(o.subwordModel);
    const TokenizedCorpus data = tokenize(text, dict, d->subwords ? &*d->subwords : nullptr, 1022,
                                          corpusFile(o, o.sourceLang));
    d->model = model;
    d->dict = dict;
    d->data = data;
    for (const int64_t line : data.line) d->references.push_back(text.target[static_cast<size_t>(line)]);
    // The fitness set's identity is its token ids: same sentences, same tokenisation, same key.
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < data.size(); ++i) {
        h = fnv1a(reinterpret_cast<const char*>(data.source[i].data()), data.source[i].size() * 4, h);
        h = fnv1a(reinterpret_cast<const char*>(data.target[i].data()), data.target[i].size() * 4, h);
    }
    // Batches are built once and reused by every evaluation.
    std::vector<Batch> batches;
    for (const auto& ids : makeBatches(data, o.maxTokens)) batches.push_back(collate(data, ids));
    d->evaluator = std::make_unique<FitnessEvaluator>(model, std::move(batches));
    if (db.readOnly()) {
        // Nothing is registered in a read-only workspace: one never seen has no evaluations (id 0).
        d->supernetId = db.supernetId(fileChecksum(checkpoint), model->options().widthDivisor).value_or(0);
        d->fitnessSetId = db.fitnessSetId(hex(h)).value_or(0);
    } else {
        d->supernetId = db.addSupernet({0, std::filesystem::absolute(checkpoint).string(), fileChecksum(checkpoint),
                                        model->options().widthDivisor});
        d->fitnessSetId = db.addFitnessSet({0, o.split, static_cast<int>(data.size()), hex(h)});
    }
}

SupernetFitness::~SupernetFitness() = default;

std::vector<double> SupernetFitness::fitness(const std::vector<Gene>& genes, const CancelToken* cancel) {
    std::vector<double> out(genes.size(), std::numeric_limits<double>::quiet_NaN());
    // Look everything up first; what is left is computed once per distinct gene.
    std::vector<Gene> keys(genes.size());
    std::map<Gene, std::vector<size_t>> pending;
    std::vector<Gene> todo;
    for (size_t i = 0; i < genes.size(); ++i) {
        keys[i] = canonicalGene(genes[i], d->space);
        if (auto known = d->db->evaluation(d->supernetId, d->fitnessSetId, keys[i])) {
            out[i] = *known;
            ++d->reused;
            continue;
        }
        auto& slots = pending[keys[i]];
        if (slots.empty()) todo.push_back(keys[i]);
        slots.push_back(i);
    }
    if (todo.empty()) return out;
    d->evaluator->setThreads(computeThreads());  // follows --threads / the UI's setting
    std::vector<SubConfig> configs;
    configs.reserve(todo.size());
    for (const Gene& g : todo) configs.push_back(geneToConfig(g, d->space));
    // Each loss is stored the moment it is known, in its own small transaction, so a kill loses
    // only the architectures being evaluated then. The evaluator calls back on this thread, the
    // one whose connection d->db is (SQLite connections stay on their thread here), while its
    // workers go on computing; a failed write stops the evaluation and is thrown from here.
    const auto losses = d->evaluator->evaluate(configs, cancel, [&](size_t k, const ValidLoss& loss) {
        d->db->addEvaluations(d->supernetId, d->fitnessSetId, {{todo[k], loss.loss, std::nullopt}});
    });
    for (size_t k = 0; k < todo.size(); ++k) {
        if (!losses[k]) continue;
        for (size_t slot : pending[todo[k]]) out[slot] = losses[k]->loss;
        ++d->computed;
    }
    return out;
}

std::vector<Score> SupernetFitness::race(const std::vector<Gene>& genes, const RaceRequest& request,
                                         const CancelToken* cancel) {
    std::vector<Score> out(genes.size());
    const size_t exact = std::min(request.exact, genes.size());
    const std::vector<Gene> head(genes.begin(), genes.begin() + static_cast<std::ptrdiff_t>(exact));
    const std::vector<double> headFitness = fitness(head, cancel);
    double threshold = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < exact; ++i) {
        out[i].fitness = headFitness[i];
        if (std::isfinite(headFitness[i])) threshold = std::max(threshold, headFitness[i]);
    }
    if (isCancelled(cancel) || exact == genes.size()) return out;
    if (!std::isfinite(threshold)) {  // nothing to race against: score exactly
        const std::vector<Gene> rest(genes.begin() + static_cast<std::ptrdiff_t>(exact), genes.end());
        const std::vector<double> f = fitness(rest, cancel);
        for (size_t i = 0; i < rest.size(); ++i) out[exact + i].fitness = f[i];
        return out;
    }
    if (request.sigmas != d->racedSigmas) {  // bounds at another margin say nothing here
        d->racedBounds.clear();
        d->racedSigmas = request.sigmas;
    }
    // Stored evaluations and earlier races answer first; the rest race, once per distinct gene.
    std::map<Gene, std::vector<size_t>> pending;
    std::vector<Gene> todo;
    for (size_t i = exact; i < genes.size(); ++i) {
        const Gene key = canonicalGene(genes[i], d->space);
        if (auto known = d->db->evaluation(d->supernetId, d->fitnessSetId, key)) {
            out[i].fitness = *known;
            ++d->reused;
            continue;
        }
        const auto bounds = d->racedBounds.find(key);
        if (bounds != d->racedBounds.end()) {
            const auto stop = std::find_if(bounds->second.begin(), bounds->second.end(),
                                           [&](double b) { return b > threshold; });
            if (stop != bounds->second.end()) {
                out[i] = {*stop, true};
                continue;
            }
        }
        auto& slots = pending[key];
        if (slots.empty()) todo.push_back(key);
        slots.push_back(i);
    }
    if (todo.empty()) return out;
    d->evaluator->setThreads(computeThreads());
    RaceSettings settings;
    settings.sigmas = request.sigmas;
    if (!d->evaluator->canRace()) {
        std::vector<SubConfig> reference;
        for (const Gene& g : raceReferenceGenes(d->space)) reference.push_back(geneToConfig(g, d->space));
        d->evaluator->setRaceReference(reference, settings, cancel);
        if (isCancelled(cancel)) return out;
    }
    d->evaluator->setRaceSettings(settings);
    std::vector<SubConfig> configs;
    configs.reserve(todo.size());
    for (const Gene& g : todo) configs.push_back(geneToConfig(g, d->space));
    // As fitness(): each full loss stored the moment it is known, on this thread.
    const auto outcomes = d->evaluator->race(configs, threshold, cancel, [&](size_t k, const RaceOutcome& o) {
        if (!o.raced) d->db->addEvaluations(d->supernetId, d->fitnessSetId, {{todo[k], o.loss.loss, std::nullopt}});
    });
    for (size_t k = 0; k < todo.size(); ++k) {
        if (!outcomes[k]) continue;
        const RaceOutcome& o = *outcomes[k];
        const Score score{o.raced ? o.lowerBound : o.loss.loss, o.raced};
        for (size_t slot : pending[todo[k]]) out[slot] = score;
        if (o.raced) {
            d->racedBounds[todo[k]] = o.bounds;
            ++d->raced;
            d->racedShareSum += o.share;
        } else {
            ++d->computed;
        }
    }
    return out;
}

std::vector<double> SupernetFitness::bleu(const std::vector<Gene>& genes, const ProgressSink& progress,
                                          const CancelToken* cancel) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> out(genes.size(), nan);
    // BLEU is stored next to the validation loss: make sure every gene has one first.
    const std::vector<double> losses = fitness(genes, cancel);
    (*d->model)->eval();
    const std::string of = " of " + std::to_string(genes.size());
    progress.report(genes.empty() ? 1.0 : 0.0, "BLEU of " + std::to_string(genes.size()) + " architecture(s)");
    for (size_t i = 0; i < genes.size(); ++i) {
        if (isCancelled(cancel)) break;
        const Gene key = canonicalGene(genes[i], d->space);
        if (auto known = d->db->evaluationBleu(d->supernetId, d->fitnessSetId, key)) {
            out[i] = *known;
        } else if (std::isfinite(losses[i])) {
            const auto score = translateAndScore(*d->model, geneToConfig(key, d->space), d->data, d->references,
                                                 *d->dict, d->subwords ? &*d->subwords : nullptr, GenerationOptions{},
                                                 4096, cancel);
            if (!score) break;
            out[i] = score->bleu;
            d->db->addEvaluations(d->supernetId, d->fitnessSetId, {{key, losses[i], score->bleu}});
        }
        char score[32];
        std::snprintf(score, sizeof score, ": %.2f", out[i]);
        progress.report(double(i + 1) / genes.size(), "BLEU " + std::to_string(i + 1) + of + score);
    }
    return out;
}

int64_t SupernetFitness::supernetId() const { return d->supernetId; }
int64_t SupernetFitness::fitnessSetId() const { return d->fitnessSetId; }
int SupernetFitness::computed() const { return d->computed; }
int SupernetFitness::reused() const { return d->reused; }
int SupernetFitness::raced() const { return d->raced; }
double SupernetFitness::racedShare() const { return d->raced > 0 ? d->racedShareSum / d->raced : 0.0; }

}  // namespace hat
