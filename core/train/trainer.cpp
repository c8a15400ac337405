#include "core/train/trainer.h"

#include <cstdio>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/data/subword_model.h"
#include "core/eval/validation.h"
#include "core/model/checkpoint.h"
#include "core/model/loss.h"
#include "core/space/sampling.h"
#include "core/util/error.h"
#include "core/util/safe_write.h"

namespace hat {

namespace fs = std::filesystem;

namespace {

const char* kUpdateKey = "hat_explorer.train.update";
const char* kEpochKey = "hat_explorer.train.epoch";
const char* kBatchKey = "hat_explorer.train.batch_in_epoch";
const char* kRngKey = "hat_explorer.train.torch_rng";

std::string splitPath(const TrainOptions& o, const std::string& split, const std::string& lang) {
    std::string base = o.corpusDir + "/" + split + "." + lang;
    if (fs::exists(base + ".gz")) return base + ".gz";
    return base;
}

struct Data {
    Dictionary dict;
    TokenizedCorpus train, valid;
};

Data loadData(const TrainOptions& o) {
    Data d;
    d.dict = Dictionary::loadFairseq(o.dictionary);
    std::optional<SubwordModel> spm;
    if (!o.subwordModel.empty()) spm = SubwordModel::load(o.subwordModel);
    const SubwordModel* sp = spm ? &*spm : nullptr;
    auto load = [&](const std::string& split) {
        const std::string src = splitPath(o, split, o.sourceLang);
        const std::string tgt = splitPath(o, split, o.targetLang);
        return tokenize(loadParallelText(src, tgt), d.dict, sp, o.maxSentenceTokens, src);
    };
    d.train = load("train");
    d.valid = load("valid");
    return d;
}

torch::Tensor scalarTensor(int64_t v) { return torch::tensor({v}, torch::kLong); }

// Adam's moments live in the checkpoint next to the weights, per parameter in uniqueParameters()
// order, so one file holds everything a resumed run needs.
std::string adamKey(size_t i, const char* what) {
    return "hat_explorer.adam." + std::to_string(i) + "." + what;
}

void saveAdamState(torch::optim::Adam& adam, const std::vector<torch::Tensor>& params, TensorDict& dict) {
    for (size_t i = 0; i < params.size(); ++i) {
        const auto it = adam.state().find(c10::guts::to_string(params[i].unsafeGetTensorImpl()));
        if (it == adam.state().end()) continue;
        const auto& st = static_cast<const torch::optim::AdamParamState&>(*it->second);
        dict[adamKey(i, "step")] = scalarTensor(st.step());
        dict[adamKey(i, "exp_avg")] = st.exp_avg();
        dict[adamKey(i, "exp_avg_sq")] = st.exp_avg_sq();
    }
}

// The training-state tensor `key` of the checkpoint at `path`; a checkpoint without it (one not
// written by `hat train`, or cut short) is named, instead of std::map::at's bare "map::at".
const torch::Tensor& trainingState(const TensorDict& dict, const std::string& key, const std::string& path) {
    const auto it = dict.find(key);
    if (it == dict.end()) fail(path, "has no '" + key + "' to resume training from (not written by hat train?)");
    return it->second;
}

// A one-number training-state tensor (update, epoch, batch) as an integer.
int64_t trainingCounter(const TensorDict& dict, const std::string& key, const std::string& path) {
    const torch::Tensor& t = trainingState(dict, key, path);
    if (t.numel() != 1 || t.is_floating_point()) {
        fail(path, "'" + key + "' is not one integer");
    }
    return t.item<int64_t>();
}

void loadAdamState(torch::optim::Adam& adam, const std::vector<torch::Tensor>& params,
                   const TensorDict& dict, const std::string& path) {
    for (size_t i = 0; i < params.size(); ++i) {
        const auto step = dict.find(adamKey(i, "step"));
        if (step == dict.end()) continue;
        auto st = std::make_unique<torch::optim::AdamParamState>();
        st->step(step->second.item<int64_t>());
        st->exp_avg(trainingState(dict, adamKey(i, "exp_avg"), path).clone());
        st->exp_avg_sq(trainingState(dict, adamKey(i, "exp_avg_sq"), path).clone());
        if (st->exp_avg().sizes() != params[i].sizes() || st->exp_avg_sq().sizes() != params[i].sizes()) {
            fail(path, "optimizer state does not fit the model");
        }
        adam.state()[c10::guts::to_string(params[i].unsafeGetTensorImpl())] = std::move(st);
    }
}

}  // namespace

double learningRate(const TrainOptions& o, int64_t u) {
    if (u <= o.warmupUpdates) return o.peakLr * static_cast<double>(u) / std::max<int64_t>(1, o.warmupUpdates);
    const double progress = static_cast<double>(u - o.warmupUpdates) /
                            std::max<int64_t>(1, o.maxUpdates - o.warmupUpdates);
    const double cosine = 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
    return o.peakLr * (o.minLrRatio + (1.0 - o.minLrRatio) * cosine);
}

namespace {
// A run stopped between checkpoints logged updates the resumed run repeats: drop the log lines
// past the checkpoint so the log reads as one uninterrupted run.
void trimLog(const std::string& path, int64_t update) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return;
    const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    std::string text;
    // Whole lines only: an unfinished last one (a kill mid-write) is dropped, not kept as a bad line.
    for (size_t start = 0, end; (end = old.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string line = old.substr(start, end - start);
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.contains("update") || j["update"].get<int64_t>() <= update) text += line + "\n";
    }
    replaceFileAtomically(path, text.data(), text.size());  // the old log stays whole if this fails
}

// One log line, whole or not at all: a full disk is hat::Error naming the log, never a torn line.
class TrainingLog {
public:
    explicit TrainingLog(std::string path) : path_(std::move(path)) {
        // New lines go after the last whole one: an unfinished line a kill left is replaced.
        std::ifstream in(path_, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const size_t lastNewline = text.rfind('\n');
        end_ = lastNewline == std::string::npos ? 0 : lastNewline + 1;
    }
    void append(const nlohmann::json& entry) {
        const std::string line = entry.dump() + "\n";
        appendWhole(path_, end_, line);
        end_ += line.size();
    }

private:
    std::string path_;
    uint64_t end_ = 0;
};

std::vector<SubConfig> configsOfUpdate(const TrainOptions& o, int64_t update) {
    // HAT: the SubTransformer of update u is sample_configs(rand_seed = u).
    const SubConfig sampled = sampleConfigHat(o.space, static_cast<uint64_t>(update));
    switch (o.sampling) {
        case TrainOptions::Sampling::Hat: return {sampled};
        case TrainOptions::Sampling::Largest: return {SubConfig::largest(o.space)};
        case TrainOptions::Sampling::Sandwich:
            return {SubConfig::largest(o.space), SubConfig::smallest(o.space), sampled};
    }
    return {sampled};
}
}  // namespace

TrainOptions::Sampling parseSampling(const std::string& name) {
    if (name == "hat") return TrainOptions::Sampling::Hat;
    if (name == "largest") return TrainOptions::Sampling::Largest;
    if (name == "sandwich") return TrainOptions::Sampling::Sandwich;
    throw Error("unknown SubTransformer sampling '" + name + "' (expected hat, largest or sandwich)");
}

std::string samplingName(TrainOptions::Sampling s) {
    switch (s) {
        case TrainOptions::Sampling::Hat: return "hat";
        case TrainOptions::Sampling::Largest: return "largest";
        case TrainOptions::Sampling::Sandwich: return "sandwich";
    }
    return "hat";
}

TrainResult trainSuperTransformer(const TrainOptions& o, TrainObserver* observer,
                                  const CancelToken* cancel, const ProgressSink& progress) {
    TrainObserver silent;
    TrainObserver& obs = observer ? *observer : silent;
    if (o.outDir.empty()) throw Error("training needs an output directory");
    fs::create_directories(o.outDir);
    if (o.threads > 0) at::set_num_threads(o.threads);

    Data data = loadData(o);
    obs.onMessage("corpus: " + std::to_string(data.train.size()) + " training pairs (" +
                  std::to_string(data.train.targetTokens) + " target tokens), " +
                  std::to_string(data.valid.size()) + " validation pairs; dictionary " +
                  std::to_string(data.dict.size()) + " symbols");

    ModelOptions mo;
    mo.space = o.space;
    mo.vocabSize = data.dict.size();
    mo.widthDivisor = o.widthDivisor;
    mo.dropout = o.dropout;
    mo.attentionDropout = o.attentionDropout;

    const std::string ckptPath = o.outDir + "/checkpoint_last.pt";
    torch::manual_seed(o.seed);
    SuperTransformer model(mo);
    torch::optim::Adam adam(model->uniqueParameters(),
                            torch::optim::AdamOptions(o.peakLr).betas({0.9, 0.98}).eps(1e-8));
    int64_t update = 0, epoch = 0, batchInEpoch = 0;
    if (fs::exists(ckptPath)) {
        const TensorDict dict = loadTensorDict(ckptPath);
        const CheckpointInfo info = readCheckpointInfo(dict, ckptPath);
        if (!(info.space == o.space) || info.widthDivisor != o.widthDivisor ||
            info.vocabSize != mo.vocabSize) {
            fail(ckptPath, "checkpoint was trained with another space, divisor or dictionary");
        }
        model->loadHatStateDict(dict, ckptPath);
        update = trainingCounter(dict, kUpdateKey, ckptPath);
        epoch = trainingCounter(dict, kEpochKey, ckptPath);
        batchInEpoch = trainingCounter(dict, kBatchKey, ckptPath);
        if (update < 0 || epoch < 0 || batchInEpoch < 0) fail(ckptPath, "holds a negative update, epoch or batch count");
        auto gen = at::detail::getDefaultCPUGenerator();
        try {
            gen.set_state(trainingState(dict, kRngKey, ckptPath));
        } catch (const c10::Error&) {
            fail(ckptPath, "holds a random-number generator state LibTorch cannot use");
        }
        loadAdamState(adam, model->uniqueParameters(), dict, ckptPath);
        obs.onMessage("resumed at update " + std::to_string(update));
    }

    auto save = [&] {
        TensorDict dict = superTransformerDict(model);
        dict[kUpdateKey] = scalarTensor(update);
        dict[kEpochKey] = scalarTensor(epoch);
        dict[kBatchKey] = scalarTensor(batchInEpoch);
        dict[kRngKey] = at::detail::getDefaultCPUGenerator().get_state();
        saveAdamState(adam, model->uniqueParameters(), dict);
        saveTensorDict(dict, ckptPath);
    };

    std::vector<Batch> validBatches;
    for (const auto& ids : makeBatches(data.valid, o.validMaxTokens)) {
        validBatches.push_back(collate(data.valid, ids));
        if (o.maxValidBatches > 0 && static_cast<int64_t>(validBatches.size()) >= o.maxValidBatches) break;
    }
    const std::string logPath = o.outDir + "/train_log.jsonl";
    if (update > 0) trimLog(logPath, update);
    TrainingLog log(logPath);
    auto validate = [&] {
        TrainValidation v;
        v.update = update;
        v.largestLoss = validLoss(model, SubConfig::largest(o.space), validBatches, o.labelSmoothing).loss;
        v.smallestLoss = validLoss(model, SubConfig::smallest(o.space), validBatches, o.labelSmoothing).loss;
        log.append({{"update", update}, {"valid_loss_largest", v.largestLoss}, {"valid_loss_smallest", v.smallestLoss}});
        obs.onValidation(v);
        return v;
    };

    TrainResult result;
    const std::vector<torch::Tensor> params = model->uniqueParameters();
    model->train();
    const auto start = std::chrono::steady_clock::now();
    int64_t tokensThisRun = 0;
    progress.report(double(update) / o.maxUpdates,
                    (update > 0 ? "resumed at update " : "starting at update ") + std::to_string(update) + " of " +
                        std::to_string(o.maxUpdates));
    while (update < o.maxUpdates) {
        std::mt19937_64 rng(o.seed * 1000003ULL + static_cast<uint64_t>(epoch));
        const auto batches = makeBatches(data.train, o.maxTokens, &rng);
        for (; batchInEpoch < static_cast<int64_t>(batches.size()) && update < o.maxUpdates;) {
            if (cancel && cancel->cancelled()) {
                save();
                result.cancelled = true;
                result.updates = update;
                return result;
            }
            const Batch b = collate(data.train, batches[batchInEpoch]);
            const std::vector<SubConfig> configs = configsOfUpdate(o, update);
            const double lr = learningRate(o, update + 1);
            for (auto& group : adam.param_groups()) {
                static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
            }
            // Gradients are dropped, not zeroed: weights the sampled SubTransformer does not use get
            // no gradient and Adam leaves them alone (no stale momentum), and a resumed run behaves
            // exactly like an uninterrupted one (whose unused weights would otherwise hold zero
            // gradients that a fresh process does not have).
            for (auto& p : params) p.mutable_grad() = torch::Tensor();
            double lossSum = 0.0;
            LossSums s;
            for (const SubConfig& config : configs) {
                const auto logits = model->forward(b.source, b.prevOutput, config);
                s = labelSmoothedLossFromLogits(logits, b.target, o.labelSmoothing, 1);
                (s.loss / static_cast<double>(s.ntokens * static_cast<int64_t>(configs.size()))).backward();
                lossSum += s.loss.item<double>();
            }
            if (o.clipNorm > 0) torch::nn::utils::clip_grad_norm_(params, o.clipNorm);
            adam.step();
            ++update;
            ++batchInEpoch;
            tokensThisRun += b.ntokens;

            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            SupernetTrainProgress p;
            p.update = update;
            p.maxUpdates = o.maxUpdates;
            p.trainLoss = toBase2PerToken(lossSum / static_cast<double>(configs.size()), s.ntokens);
            p.lr = lr;
            p.secondsElapsed = elapsed;
            p.tokensPerSecond = tokensThisRun / std::max(elapsed, 1e-9);
            p.sampledConfig = configs.back().summary();
            obs.onProgress(p);
            char numbers[96];
            std::snprintf(numbers, sizeof numbers, ": loss %.3f bits, lr %.2e, %.0f tokens/s", p.trainLoss, lr,
                          p.tokensPerSecond);
            progress.report(double(update) / o.maxUpdates, "update " + std::to_string(update) + " of " +
                                                               std::to_string(o.maxUpdates) + numbers);
            if (update % 10 == 0) {
                log.append({{"update", update}, {"train_loss", p.trainLoss}, {"lr", lr},
                            {"tokens_per_s", p.tokensPerSecond}, {"epoch", epoch}});
            }
            if (update % o.validateEvery == 0) result.lastValidation = validate();
            if (update % o.checkpointEvery == 0) save();
        }
        if (batchInEpoch >= static_cast<int64_t>(batches.size())) {
            ++epoch;
            batchInEpoch = 0;
        }
    }
    if (result.lastValidation.update != update) result.lastValidation = validate();
    save();
    result.updates = update;
    return result;
}

}  // namespace hat
