// hat data prepare / hat train / hat eval: the quality side on the command line.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/progress_printer.h"
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
    void onValidation(const TrainValidation& v) override {
        std::fprintf(stderr, "validation at %lld: largest %.3f  smallest %.3f bits/token\n",
                     static_cast<long long>(v.update), v.largestLoss, v.smallestLoss);
    }
    void onMessage(const std::string& m) override { std::fprintf(stderr, "%s\n", m.c_str()); }
};

}  // namespace

const CommandSpec& dataPrepareSpec() {
    static const CommandSpec spec{
        "data prepare",
        "a SentencePiece model and a fairseq dictionary for a parallel corpus",
        "--corpus DIR --out DIR [--src en] [--tgt de] [--vocab-size 8000] "
        "[--model-type unigram|bpe]",
        "Trains one joint subword model on both sides of the training split and writes "
        "OUT/spm.model and OUT/dict.txt.",
        {},
        {valueOption("--corpus", "DIR", "the corpus: DIR/train.SRC and DIR/train.TGT (or .gz)"),
         valueOption("--out", "DIR", "where spm.model and dict.txt are written"),
         valueOption("--src", "LANG", "source language suffix", "en"),
         valueOption("--tgt", "LANG", "target language suffix", "de"),
         valueOption("--vocab-size", "N", "subword vocabulary size", "8000"),
         valueOption("--model-type", "unigram|bpe", "SentencePiece model type", "unigram")},
    };
    return spec;
}

int cmdDataPrepare(const std::vector<std::string>& argv) {
    const Args args(argv, dataPrepareSpec());
    args.expectPositional(0, "no positional arguments");
    const std::string corpus = args.require("--corpus"), out = args.require("--out");
    const std::string src = args.get("--src"), tgt = args.get("--tgt");
    // Both sides are read before anything is written, so a bad corpus leaves OUT untouched.
    std::vector<std::vector<std::string>> sides;
    for (const auto& lang : {src, tgt}) {
        sides.push_back(readLines(corpusFile(corpus, "train", lang)));
        if (sides.back().empty()) fail(corpusFile(corpus, "train", lang), "corpus file is empty");
    }
    SubwordTrainOptions o;
    o.vocabSize = args.getInt("--vocab-size");
    o.modelType = args.get("--model-type");
    fs::create_directories(out);
    // SentencePiece reads plain text: write both training sides into one joint file.
    const std::string joint = out + "/.spm_input.txt";
    try {
        {
            std::ofstream j(joint);
            for (const auto& side : sides) {
                for (const auto& l : side) j << l << '\n';
            }
            j.flush();
            if (!j) fail(joint, "cannot write the subword model's training text");
        }
        SubwordModel::train({joint}, out + "/spm", o);
    } catch (...) {
        fs::remove(joint);
        throw;
    }
    fs::remove(joint);
    const SubwordModel spm = SubwordModel::load(out + "/spm.model");
    std::vector<std::vector<std::string>> pieces;
    for (const auto& side : sides) {
        for (const auto& l : side) pieces.push_back(spm.encode(l));
    }
    const Dictionary dict = Dictionary::build(pieces);
    dict.saveFairseq(out + "/dict.txt");
    std::cout << "wrote " << out << "/spm.model (" << spm.pieceCount() << " pieces) and " << out
              << "/dict.txt (" << dict.size() << " symbols with specials)\n";
    return 0;
}

const CommandSpec& trainSpec() {
    static const CommandSpec spec = [] {
        const TrainOptions o;
        return CommandSpec{
            "train",
            "train a SuperTransformer (resumes from OUT/checkpoint_last.pt)",
            "--corpus DIR --dict dict.txt [--spm spm.model] --space S.yml --out DIR "
            "[--width-divisor 8] [--max-updates N] [--max-tokens N] [--lr X] [--warmup N] "
            "[--seed N] [--threads N] [--sampling hat|largest|sandwich] [--dropout P] "
            "[--clip-norm C] [--json]",
            "Ctrl-C stops after the current update with a checkpoint; the same command resumes "
            "there. The options are recorded in OUT/train_options.json, which hat eval and hat "
            "workspace init read.",
            {},
            {valueOption("--corpus", "DIR", "the corpus: DIR/{train,valid}.{SRC,TGT} (or .gz)"),
             valueOption("--src", "LANG", "source language suffix", o.sourceLang),
             valueOption("--tgt", "LANG", "target language suffix", o.targetLang),
             valueOption("--spm", "spm.model", "subword model (none: the text is already split)"),
             valueOption("--dict", "dict.txt", "fairseq dictionary"),
             valueOption("--space", "S.yml", "the design space"),
             valueOption("--out", "DIR", "checkpoints, training log and train_options.json"),
             valueOption("--width-divisor", "D", "every width of the space divided by D",
                         std::to_string(o.widthDivisor)),
             valueOption("--max-updates", "N", "stop after N updates",
                         std::to_string(o.maxUpdates)),
             valueOption("--max-tokens", "N", "tokens per batch", std::to_string(o.maxTokens)),
             valueOption("--lr", "X", "peak learning rate", shownDefault(o.peakLr)),
             valueOption("--warmup", "N", "warm-up updates", std::to_string(o.warmupUpdates)),
             valueOption("--seed", "N", "training seed", std::to_string(o.seed)),
             valueOption("--threads", "N", "LibTorch threads, 0 for LibTorch's own choice",
                         std::to_string(o.threads)),
             valueOption("--validate-every", "N", "updates between validations",
                         std::to_string(o.validateEvery)),
             valueOption("--checkpoint-every", "N", "updates between checkpoints",
                         std::to_string(o.checkpointEvery)),
             valueOption("--max-valid-batches", "N", "validation batches; 0: the whole split",
                         std::to_string(o.maxValidBatches)),
             valueOption("--dropout", "P", "dropout probability", shownDefault(o.dropout)),
             valueOption("--clip-norm", "C", "gradient norm clipping", shownDefault(o.clipNorm)),
             valueOption("--sampling", "hat|largest|sandwich",
                         "what an update trains: HAT's one random SubTransformer, the "
                         "largest, or the sandwich of the largest, the smallest and a random one",
                         samplingName(o.sampling)),
             switchOption("--json", "print the result as indented JSON (else on one line)")},
        };
    }();
    return spec;
}

int cmdTrain(const std::vector<std::string>& argv) {
    const Args args(argv, trainSpec());
    args.expectPositional(0, "no positional arguments");
    TrainOptions o;
    try {
        o.sampling = parseSampling(args.get("--sampling"));
    } catch (const Error& e) {
        throw UsageError(std::string("--sampling: ") + e.what());
    }
    o.corpusDir = args.require("--corpus");
    o.sourceLang = args.get("--src");
    o.targetLang = args.get("--tgt");
    o.subwordModel = args.get("--spm", "");
    o.dictionary = args.require("--dict");
    o.spacePath = args.require("--space");
    o.space = DesignSpace::loadYaml(o.spacePath);
    o.outDir = args.require("--out");
    o.widthDivisor = args.getInt("--width-divisor");
    o.maxUpdates = args.getInt("--max-updates", static_cast<int>(o.maxUpdates));
    o.maxTokens = args.getInt("--max-tokens", static_cast<int>(o.maxTokens));
    o.peakLr = args.getDouble("--lr", o.peakLr);
    o.warmupUpdates = args.getInt("--warmup", static_cast<int>(o.warmupUpdates));
    o.seed = static_cast<uint64_t>(args.getInt("--seed"));
    o.threads = args.getInt("--threads");
    o.validateEvery = args.getInt("--validate-every", static_cast<int>(o.validateEvery));
    o.checkpointEvery = args.getInt("--checkpoint-every", static_cast<int>(o.checkpointEvery));
    o.maxValidBatches = args.getInt("--max-valid-batches");
    o.dropout = args.getDouble("--dropout", o.dropout);
    o.clipNorm = args.getDouble("--clip-norm", o.clipNorm);
    if (o.maxUpdates <= 0 || o.maxTokens <= 0) throw UsageError("--max-updates and --max-tokens must be positive");

    writeTrainingRecord(o);

    PrintingObserver obs;
    // Ctrl-C stops after the current update with a checkpoint, so `hat train` resumes there.
    // A line every 10 s (and the last), like every long command's progress.
    const TrainResult r = trainSuperTransformer(o, &obs, cancelOnInterrupt(), stderrProgress(false, 10.0));
    nlohmann::json j = {{"updates", r.updates},
                        {"valid_loss_largest", r.lastValidation.largestLoss},
                        {"valid_loss_smallest", r.lastValidation.smallestLoss},
                        {"checkpoint", o.outDir + "/checkpoint_last.pt"},
                        {"cancelled", r.cancelled}};
    std::cout << (args.has("--json") ? j.dump(2) : j.dump()) << "\n";
    if (r.cancelled) std::fprintf(stderr, "interrupted: checkpoint saved at update %lld\n", static_cast<long long>(r.updates));
    return r.cancelled ? 130 : 0;
}

const CommandSpec& evalSpec() {
    static const CommandSpec spec{
        "eval",
        "validation loss (and BLEU) of one SubTransformer of a SuperTransformer",
        "--checkpoint C --space S.yml ARCH.yml [--split valid|test] [--precision P] [--bleu] [--json] "
        "[--corpus DIR --dict D --spm M] [--limit N]",
        "The corpus, dictionary and subword model default to those train_options.json records "
        "next to the checkpoint. --precision int8 runs every linear layer through the real "
        "dynamic int8 kernels of the int8 runtime; w4a8 (FQ-BERT) is fake quantization in float, "
        "its activation ranges calibrated on the split's first batch.",
        {{"ARCH.yml", "the SubTransformer, in HAT's YAML"}},
        {valueOption("--checkpoint", "C", "the SuperTransformer checkpoint"),
         valueOption("--space", "S.yml", "the design space"),
         valueOption("--split", "valid|test", "the corpus split to evaluate on", "valid"),
         valueOption("--precision", "P", "fp32, int8 or w4a8: the weights and activations' format", "fp32"),
         valueOption("--corpus", "DIR", "the corpus directory"),
         valueOption("--dict", "D", "fairseq dictionary"),
         valueOption("--spm", "M", "subword model"),
         valueOption("--limit", "N", "only the first N sentence pairs; 0: all", "0"),
         valueOption("--max-tokens", "N", "tokens per batch", "4096"),
         valueOption("--threads", "T", "LibTorch threads, 0 for LibTorch's own choice", "0"),
         switchOption("--bleu", "also translate (beam search) and score sacreBLEU and chrF"),
         valueOption("--beam", "B", "beam size for --bleu", "4"),
         valueOption("--lenpen", "X", "length penalty for --bleu", "0.6"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdEval(const std::vector<std::string>& argv) {
    const Args args(argv, evalSpec());
    args.expectPositional(1, "ARCH.yml");
    const std::string ckpt = args.require("--checkpoint");
    const DesignSpace space = DesignSpace::loadYaml(args.require("--space"));
    const SubConfig config = loadSubConfig(args.positional()[0], &space);
    const std::string split = args.get("--split");
    if (split != "valid" && split != "test") throw UsageError("--split must be valid or test");
    if (args.getInt("--threads") > 0) at::set_num_threads(args.getInt("--threads"));
    Precision precision = Precision::Fp32;
    try {
        precision = parsePrecision(args.get("--precision"));
    } catch (const Error& e) {
        throw UsageError(std::string("--precision: ") + e.what());
    }

    // Data paths default to what the training run recorded next to the checkpoint.
    const std::string dir = fs::path(ckpt).parent_path().string();
    const std::string recPath = (fs::path(dir) / "train_options.json").string();
    std::error_code noRecord;
    nlohmann::json rec = nlohmann::json::object();
    if (fs::symlink_status(recPath, noRecord).type() != fs::file_type::not_found) {
        rec = readTrainingRecord(recPath);
    }
    auto recorded = [&](const char* key) { return recordString(rec, key, recPath); };
    auto pick = [&](const char* flag, const char* key) {
        if (args.has(flag)) return args.get(flag, "");
        if (!recorded(key).empty()) return resolve(recorded(key), dir);
        throw UsageError(std::string("missing ") + flag + " (no train_options.json next to the checkpoint)");
    };
    const std::string corpus = pick("--corpus", "corpus");
    const std::string dictPath = pick("--dict", "dict");
    const std::string spmPath = args.has("--spm") ? args.get("--spm", "") : resolve(recorded("spm"), dir);
    const std::string srcLang = rec.contains("src") ? recorded("src") : "en";
    const std::string tgtLang = rec.contains("tgt") ? recorded("tgt") : "de";

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
    const int limit = args.getInt("--limit");
    if (limit > 0 && static_cast<size_t>(limit) < text.source.size()) {
        text.source.resize(limit);
        text.target.resize(limit);
    }
    const TokenizedCorpus data = tokenize(text, dict, spm ? &*spm : nullptr, 1022, corpusFile(corpus, split, srcLang));
    const int64_t maxTokens = args.getInt("--max-tokens");
    std::vector<Batch> batches;
    for (const auto& ids : makeBatches(data, maxTokens)) batches.push_back(collate(data, ids));
    if (batches.empty()) fail(corpusFile(corpus, split, srcLang), "has no sentence pairs to evaluate");
    // Everything below (loss, translation) at the precision; w4a8 calibrates on the first batch.
    ActivationRanges ranges;
    if (precision == Precision::W4A8) {
        torch::InferenceMode guard;
        ranges = calibrateActivations(model, config, batches.front());
    }
    const PrecisionScope scope(precision, &ranges);
    const ValidLoss vl = validLoss(model, config, batches);

    nlohmann::json j = {{"split", split}, {"sentences", data.size()}, {"valid_loss", vl.loss},
                        {"valid_nll_loss", vl.nll}, {"ntokens", vl.ntokens},
                        {"precision", precisionName(precision)},
                        {"precision_method", precisionMethod(precision)}};
    if (args.has("--bleu")) {
        GenerationOptions g;
        g.beam = args.getInt("--beam");
        g.lenpen = args.getDouble("--lenpen");
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
        std::printf("%s split: %zu sentences, valid loss %.4f bits/token (nll %.4f)", split.c_str(),
                    data.size(), vl.loss, vl.nll);
        if (precision != Precision::Fp32) std::printf(" at %s: %s", precisionName(precision).c_str(), precisionMethod(precision));
        std::printf("\n");
        if (j.contains("bleu")) {
            std::printf("%s\nchrF2 = %.2f\n", j["bleu_formatted"].get<std::string>().c_str(), j["chrf"].get<double>());
        }
    }
    return 0;
}

const CommandSpec& archWeightsSpec() {
    static const CommandSpec spec{
        "arch weights",
        "the weights a SubTransformer inherits from a SuperTransformer checkpoint",
        "--checkpoint C --space S.yml ARCH.yml --out WEIGHTS.pt [--json]",
        "",
        {{"ARCH.yml", "the SubTransformer, in HAT's YAML"}},
        {valueOption("--checkpoint", "C", "the SuperTransformer checkpoint"),
         valueOption("--space", "S.yml", "the design space"),
         valueOption("--out", "WEIGHTS.pt", "where the SubTransformer's tensors are written"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdArchWeights(const std::vector<std::string>& argv) {
    const Args args(argv, archWeightsSpec());
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
