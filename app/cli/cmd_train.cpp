// hat data prepare / hat train / hat eval: the quality side on the command line.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "core/data/batching.h"
#include "core/data/dictionary.h"
#include "core/data/subword_model.h"
#include "core/eval/sequence_generator.h"
#include "core/eval/translation_quality.h"
#include "core/eval/validation.h"
#include "core/model/checkpoint.h"
#include "core/model/inherited_weights.h"
#include "core/space/subconfig_io.h"
#include "core/train/trainer.h"
#include "core/train/training_record.h"
#include "core/util/error.h"

namespace hat::cli {

namespace fs = std::filesystem;

namespace {

std::string corpusFile(const std::string& dir, const std::string& split, const std::string& lang) {
    const std::string base = dir + "/" + split + "." + lang;
    return fs::exists(base + ".gz") ? base + ".gz" : base;
}

// Paths in train_options.json are relative to the checkpoint directory (core/train/training_record.h).
std::string resolve(const std::string& path, const std::string& dir) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(dir) / path).lexically_normal().string();
}

struct PrintingObserver : TrainObserver {
    bool json = false;
    void onProgress(const SupernetTrainProgress& p) override {
        if (p.update % 10 != 0 && p.update != p.maxUpdates) return;
        std::fprintf(stderr, "update %lld/%lld  loss %.3f  lr %.2e  %.0f tok/s  eta %.0f min  [%s]\n",
                     static_cast<long long>(p.update), static_cast<long long>(p.maxUpdates), p.trainLoss,
                     p.lr, p.tokensPerSecond, p.secondsRemaining / 60.0, p.sampledConfig.c_str());
    }
    void onValidation(const TrainValidation& v) override {
        std::fprintf(stderr, "validation at %lld: largest %.3f  smallest %.3f bits/token\n",
                     static_cast<long long>(v.update), v.largestLoss, v.smallestLoss);
    }
    void onMessage(const std::string& m) override { std::fprintf(stderr, "%s\n", m.c_str()); }
};

}  // namespace

int cmdDataPrepare(const std::vector<std::string>& argv) {
    Args args(argv, {"--corpus", "--src", "--tgt", "--out", "--vocab-size", "--model-type"}, {});
    args.expectPositional(0, "no positional arguments");
    const std::string corpus = args.require("--corpus"), out = args.require("--out");
    const std::string src = args.get("--src", "en"), tgt = args.get("--tgt", "de");
    fs::create_directories(out);
    // SentencePiece reads plain text: write both training sides into one joint file.
    const std::string joint = out + "/.spm_input.txt";
    {
        std::ofstream j(joint);
        for (const auto& lang : {src, tgt}) {
            const auto lines = readLines(corpusFile(corpus, "train", lang));
            if (lines.empty()) fail(corpusFile(corpus, "train", lang), "corpus file is empty");
            for (const auto& l : lines) j << l << '\n';
        }
    }
    SubwordTrainOptions o;
    o.vocabSize = args.getInt("--vocab-size", 8000);
    o.modelType = args.get("--model-type", "unigram");
    try {
        SubwordModel::train({joint}, out + "/spm", o);
    } catch (...) {
        fs::remove(joint);
        throw;
    }
    fs::remove(joint);
    const SubwordModel spm = SubwordModel::load(out + "/spm.model");
    std::vector<std::vector<std::string>> pieces;
    for (const auto& lang : {src, tgt}) {
        for (const auto& l : readLines(corpusFile(corpus, "train", lang))) pieces.push_back(spm.encode(l));
    }
    const Dictionary dict = Dictionary::build(pieces);
    dict.saveFairseq(out + "/dict.txt");
    std::cout << "wrote " << out << "/spm.model (" << spm.pieceCount() << " pieces) and " << out
              << "/dict.txt (" << dict.size() << " symbols with specials)\n";
    return 0;
}

int cmdTrain(const std::vector<std::string>& argv) {
    Args args(argv,
              {"--corpus", "--src", "--tgt", "--spm", "--dict", "--space", "--out", "--width-divisor",
               "--max-updates", "--max-tokens", "--lr", "--warmup", "--seed", "--threads",
               "--validate-every", "--checkpoint-every", "--max-valid-batches", "--dropout",
               "--clip-norm", "--sampling"},
              {"--json"});
    args.expectPositional(0, "no positional arguments");
    TrainOptions o;
    try {
        o.sampling = parseSampling(args.get("--sampling", "hat"));
    } catch (const Error& e) {
        throw UsageError(std::string("--sampling: ") + e.what());
    }
    o.corpusDir = args.require("--corpus");
    o.sourceLang = args.get("--src", "en");
    o.targetLang = args.get("--tgt", "de");
    o.subwordModel = args.get("--spm", "");
    o.dictionary = args.require("--dict");
    o.spacePath = args.require("--space");
    o.space = DesignSpace::loadYaml(o.spacePath);
    o.outDir = args.require("--out");
    o.widthDivisor = args.getInt("--width-divisor", 8);
    o.maxUpdates = args.getInt("--max-updates", static_cast<int>(o.maxUpdates));
    o.maxTokens = args.getInt("--max-tokens", static_cast<int>(o.maxTokens));
    o.peakLr = args.getDouble("--lr", o.peakLr);
    o.warmupUpdates = args.getInt("--warmup", static_cast<int>(o.warmupUpdates));
    o.seed = static_cast<uint64_t>(args.getInt("--seed", 1));
    o.threads = args.getInt("--threads", 0);
    o.validateEvery = args.getInt("--validate-every", static_cast<int>(o.validateEvery));
    o.checkpointEvery = args.getInt("--checkpoint-every", static_cast<int>(o.checkpointEvery));
    o.maxValidBatches = args.getInt("--max-valid-batches", 0);
    o.dropout = args.getDouble("--dropout", o.dropout);
    o.clipNorm = args.getDouble("--clip-norm", o.clipNorm);
    if (o.maxUpdates <= 0 || o.maxTokens <= 0) throw UsageError("--max-updates and --max-tokens must be positive");

    writeTrainingRecord(o);

    PrintingObserver obs;
    // Ctrl-C stops after the current update with a checkpoint, so `hat train` resumes there.
    const TrainResult r = trainSuperTransformer(o, &obs, cancelOnInterrupt());
    nlohmann::json j = {{"updates", r.updates},
                        {"valid_loss_largest", r.lastValidation.largestLoss},
                        {"valid_loss_smallest", r.lastValidation.smallestLoss},
                        {"checkpoint", o.outDir + "/checkpoint_last.pt"},
                        {"cancelled", r.cancelled}};
    std::cout << (args.has("--json") ? j.dump(2) : j.dump()) << "\n";
    if (r.cancelled) std::fprintf(stderr, "interrupted: checkpoint saved at update %lld\n", static_cast<long long>(r.updates));
    return r.cancelled ? 130 : 0;
}

int cmdEval(const std::vector<std::string>& argv) {
    Args args(argv, {"--checkpoint", "--space", "--split", "--corpus", "--spm", "--dict", "--max-tokens",
                     "--beam", "--lenpen", "--limit", "--threads"},
              {"--bleu", "--json"});
    args.expectPositional(1, "ARCH.yml");
    const std::string ckpt = args.require("--checkpoint");
    const DesignSpace space = DesignSpace::loadYaml(args.require("--space"));
    const SubConfig config = loadSubConfig(args.positional()[0], &space);
    const std::string split = args.get("--split", "valid");
    if (split != "valid" && split != "test") throw UsageError("--split must be valid or test");
    if (args.getInt("--threads", 0) > 0) at::set_num_threads(args.getInt("--threads", 0));

    // Data paths default to what the training run recorded next to the checkpoint.
    const std::string dir = fs::path(ckpt).parent_path().string();
    nlohmann::json rec = nlohmann::json::object();  // value() below needs an object, not null
    if (fs::exists(dir + "/train_options.json")) rec = nlohmann::json::parse(std::ifstream(dir + "/train_options.json"));
    auto pick = [&](const char* flag, const char* key) {
        if (args.has(flag)) return args.get(flag, "");
        if (rec.contains(key)) return resolve(rec[key].get<std::string>(), dir);
        throw UsageError(std::string("missing ") + flag + " (no train_options.json next to the checkpoint)");
    };
    const std::string corpus = pick("--corpus", "corpus");
    const std::string dictPath = pick("--dict", "dict");
    const std::string spmPath = args.has("--spm") ? args.get("--spm", "") : (rec.contains("spm") ? resolve(rec["spm"], dir) : "");
    const std::string srcLang = rec.value("src", "en"), tgtLang = rec.value("tgt", "de");

    SuperTransformer model = loadSuperTransformer(ckpt, &space);
    model->eval();
    const Dictionary dict = Dictionary::loadFairseq(dictPath);
    if (dict.size() != model->options().vocabSize) {
        fail(dictPath, "has " + std::to_string(dict.size()) + " symbols but " + ckpt + " was trained with " +
                           std::to_string(model->options().vocabSize));
    }
    std::optional<SubwordModel> spm;
    if (!spmPath.empty()) spm = SubwordModel::load(spmPath);
    ParallelText text = loadParallelText(corpusFile(corpus, split, srcLang), corpusFile(corpus, split, tgtLang));
    const int limit = args.getInt("--limit", 0);
    if (limit > 0 && static_cast<size_t>(limit) < text.source.size()) {
        text.source.resize(limit);
        text.target.resize(limit);
    }
    const TokenizedCorpus data = tokenize(text, dict, spm ? &*spm : nullptr, 1022, corpusFile(corpus, split, srcLang));
    const int64_t maxTokens = args.getInt("--max-tokens", 4096);
    std::vector<Batch> batches;
    for (const auto& ids : makeBatches(data, maxTokens)) batches.push_back(collate(data, ids));
    const ValidLoss vl = validLoss(model, config, batches);

    nlohmann::json j = {{"split", split}, {"sentences", data.size()}, {"valid_loss", vl.loss},
                        {"valid_nll_loss", vl.nll}, {"ntokens", vl.ntokens}};
    if (args.has("--bleu")) {
        GenerationOptions g;
        g.beam = args.getInt("--beam", 4);
        g.lenpen = args.getDouble("--lenpen", 0.6);
        // Hypotheses go back to text through the subword model and are scored against the
        // untouched reference lines (sacreBLEU on detokenised text).
        std::vector<std::string> refs;
        for (const int64_t line : data.line) refs.push_back(text.target[static_cast<size_t>(line)]);
        const TranslationScore t =
            *translateAndScore(model, config, data, refs, dict, spm ? &*spm : nullptr, g, maxTokens);
        j["bleu"] = t.bleu;
        j["bleu_formatted"] = t.bleuFormatted;
        j["bleu_signature"] = t.bleuSignature;
        j["chrf"] = t.chrf;
        j["beam"] = g.beam;
        j["lenpen"] = g.lenpen;
    }
    if (args.has("--json")) {
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("%s split: %zu sentences, valid loss %.4f bits/token (nll %.4f)\n", split.c_str(),
                    data.size(), vl.loss, vl.nll);
        if (j.contains("bleu")) {
            std::printf("%s\nchrF2 = %.2f\n", j["bleu_formatted"].get<std::string>().c_str(), j["chrf"].get<double>());
        }
    }
    return 0;
}

int cmdArchWeights(const std::vector<std::string>& argv) {
    Args args(argv, {"--checkpoint", "--space", "--out"}, {"--json"});
    args.expectPositional(1, "ARCH.yml");
    DesignSpace space = DesignSpace::loadYaml(args.require("--space"));
    const SubConfig config = loadSubConfig(args.positional()[0], &space);
    const std::string out = args.require("--out");
    SuperTransformer model = loadSuperTransformer(args.require("--checkpoint"), &space);
    const TensorDict weights = inheritedWeights(*model, config);
    saveTensorDict(weights, out);
    int64_t numel = 0;
    for (const auto& [name, t] : weights) numel += t.numel();
    if (args.has("--json")) {
        nlohmann::json j;
        j["out"] = out;
        j["tensors"] = weights.size();
        j["parameters"] = numel;
        j["width_divisor"] = model->options().widthDivisor;
        j["summary"] = config.summary();
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("%s: %zu tensors, %lld parameters (embeddings included) of %s\n", out.c_str(), weights.size(),
                    static_cast<long long>(numel), config.summary().c_str());
    }
    return 0;
}

}  // namespace hat::cli
