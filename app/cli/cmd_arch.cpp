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

namespace hat::cli {

const CommandSpec& archInfoSpec() {
    static const CommandSpec spec{
        "arch info",
        "parameters, FLOPs and latency features of one SubTransformer",
        "--space SPACE.yml ARCH.yml [--src-len N] [--tgt-len N] [--vocab V] [--json]",
        "Parameters are counted as HAT counts them: without the embeddings and the output "
        "projection.",
        {{"ARCH.yml", "the SubTransformer, in HAT's YAML"}},
        {valueOption("--space", "SPACE.yml", "the design space the SubTransformer lies in"),
         valueOption("--src-len", "N", "source sentence length in tokens, for the FLOPs", "30"),
         valueOption("--tgt-len", "N", "target sentence length in tokens, for the FLOPs", "30"),
         valueOption("--vocab", "V", "output projection width counted in the FLOPs; 0: none", "0"),
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
