// hat arch info / hat arch sample
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/space/arch_metrics.h"
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "core/space/subconfig_io.h"
#include "core/space/weight_bytes.h"
#include "core/util/error.h"

namespace hat::cli {

const CommandSpec& archInfoSpec() {
    static const CommandSpec spec{
        "arch info",
        "parameters, FLOPs and latency features of one SubTransformer",
        "--space SPACE.yml ARCH.yml [--src-len N] [--tgt-len N] [--vocab V] [--precision P] [--json]",
        "Parameters are counted as HAT counts them: without the embeddings and the output "
        "projection. --precision adds the bytes of the weights held at fp32, int8 or w4a8 "
        "(scales and zero points included; the embeddings, and the output projection they "
        "double as, need --vocab).",
        {{"ARCH.yml", "the SubTransformer, in HAT's YAML"}},
        {valueOption("--space", "SPACE.yml", "the design space the SubTransformer lies in"),
         valueOption("--src-len", "N", "source sentence length in tokens, for the FLOPs", "30"),
         valueOption("--tgt-len", "N", "target sentence length in tokens, for the FLOPs", "30"),
         valueOption("--vocab", "V", "vocabulary: the output projection in the FLOPs, the embeddings in the bytes; 0: none", "0"),
         valueOption("--precision", "P", "fp32, int8 or w4a8: count the weights' bytes at it"),
         switchOption("--json", "print JSON instead of text")},
    };
    return spec;
}

int cmdArchInfo(const std::vector<std::string>& argv) {
    const Args args(argv, archInfoSpec());
    args.expectPositional(1, "ARCH.yml");
    const DesignSpace space = DesignSpace::loadYaml(args.require("--space"));
    const SubConfig config = loadSubConfig(args.positional()[0], &space);
    const int srcLen = args.getInt("--src-len");
    const int tgtLen = args.getInt("--tgt-len");
    const int vocab = args.getInt("--vocab");
    if (srcLen <= 0 || tgtLen <= 0 || vocab < 0) throw UsageError("lengths must be positive");
    const bool sized = args.has("--precision");
    Precision precision = Precision::Fp32;
    if (sized) {
        try {
            precision = parsePrecision(args.get("--precision", ""));
        } catch (const Error& e) {
            throw UsageError(std::string("--precision: ") + e.what());
        }
    }
    const WeightBytes bytes = weightBytes(config, space.qkvDim, vocab, precision);
    const WeightBytes fp32Bytes = weightBytes(config, space.qkvDim, vocab, Precision::Fp32);

    const Gene gene = configToGene(config, space);
    const int64_t params = hatParameterCount(config, space.qkvDim);
    const int64_t fl = flops(config, space.qkvDim, srcLen, tgtLen, vocab);
    const auto features = latencyFeatures(config);
    if (args.has("--json")) {
        nlohmann::json j;
        j["gene"] = gene;
        j["params"] = params;
        j["params_millions"] = params / 1e6;
        j["flops"] = fl;
        j["gflops"] = fl / 1e9;
        j["src_len"] = srcLen;
        j["tgt_len"] = tgtLen;
        j["vocab"] = vocab;
        j["latency_features"] = features;
        j["summary"] = config.summary();
        if (sized) {
            j["precision"] = precisionName(precision);
            j["weight_bytes"] = {{"layers", bytes.layers},
                                 {"embeddings", bytes.embeddings},
                                 {"output_projection", bytes.outputProjection},
                                 {"output_projection_shared", true},
                                 {"total", bytes.total()},
                                 {"fp32_total", fp32Bytes.total()},
                                 {"compression", double(fp32Bytes.total()) / double(bytes.total())}};
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << "gene:       [" << [&] {
        std::string s;
        for (size_t i = 0; i < gene.size(); ++i) s += (i ? ", " : "") + std::to_string(gene[i]);
        return s;
    }() << "]\n";
    std::cout << "summary:    " << config.summary() << "\n";
    std::printf("parameters: %.2f M (%lld; HAT's count: no embeddings, no output projection)\n",
                params / 1e6, static_cast<long long>(params));
    std::printf("FLOPs:      %.3f G (source %d, target %d tokens%s)\n", fl / 1e9, srcLen, tgtLen,
                vocab ? (", output projection over " + std::to_string(vocab) + " words").c_str()
                      : ", no output projection");
    if (sized) {
        const double mb = 1e6;
        std::printf("weights:    %.2f MB at %s (%.2fx smaller than fp32): layers %.2f MB, "
                    "embeddings %.2f MB\n",
                    bytes.total() / mb, precisionName(precision).c_str(),
                    double(fp32Bytes.total()) / double(bytes.total()), bytes.layers / mb,
                    bytes.embeddings / mb);
        if (vocab) {
            std::printf("            the output projection is the decoder's embedding, held once "
                        "(%.2f MB)\n", bytes.outputProjection / mb);
        } else {
            std::printf("            give --vocab to count the embeddings and output projection\n");
        }
    }
    return 0;
}

const CommandSpec& archSampleSpec() {
    static const CommandSpec spec{
        "arch sample",
        "one random SubTransformer, drawn as HAT's sampler draws it",
        "--space SPACE.yml --seed N [--json]",
        "The same seed gives the same SubTransformer as HAT's utils.sample_configs with "
        "rand_seed = N.",
        {},
        {valueOption("--space", "SPACE.yml", "the design space to sample"),
         valueOption("--seed", "N", "the random seed, 0 or more (required)"),
         switchOption("--json", "print JSON instead of HAT's YAML")},
    };
    return spec;
}

int cmdArchSample(const std::vector<std::string>& argv) {
    const Args args(argv, archSampleSpec());
    args.expectPositional(0, "no positional arguments");
    const DesignSpace space = DesignSpace::loadYaml(args.require("--space"));
    if (!args.has("--seed")) throw UsageError("missing required option --seed");
    const int seed = args.getInt("--seed", 0);
    if (seed < 0) throw UsageError("--seed must be non-negative");
    // HAT's own sampler and draw order (utils.sample_configs with rand_seed = seed).
    const SubConfig config = sampleConfigHat(space, static_cast<uint64_t>(seed));
    std::cout << (args.has("--json") ? subConfigToJson(config.trimmed()) : subConfigToYaml(config));
    return 0;
}

}  // namespace hat::cli
