// hat: the command-line face of HAT Explorer's core (no Qt; runs on a server or a device).
#include <cstring>
#include <functional>
#include <iostream>
#include <map>

#include "app/cli/args.h"
#include "app/cli/cmd_bleu.h"
#include "app/cli/commands.h"
#include "core/util/allocator.h"
#include "core/util/error.h"

namespace {

using Command = std::function<int(const std::vector<std::string>&)>;

const std::map<std::string, std::pair<Command, const char*>>& commands() {
    using namespace hat::cli;
    static const std::map<std::string, std::pair<Command, const char*>> table = {
        {"arch info", {cmdArchInfo, "--space SPACE.yml ARCH.yml [--src-len N] [--tgt-len N] [--vocab V] [--json]"}},
        {"arch weights", {cmdArchWeights, "--checkpoint C --space S.yml ARCH.yml --out WEIGHTS.pt [--json]"}},
        {"arch sample", {cmdArchSample, "--space SPACE.yml --seed N [--json]"}},
        {"bleu", {cmdBleu, kBleuUsage}},
        {"workspace init", {cmdWorkspaceInit, "DIR --space S.yml --checkpoint C [--devices ID,...] [--corpus DIR --dict D --spm M] [--fitness-sentences N] [--fitness-sampling spread|first] [--data-dir data]"}},
        {"workspace copy", {cmdWorkspaceCopy, "SRC DST   (a working copy of SRC in DST; SRC is not written)"}},
        {"workspace measure", {cmdWorkspaceMeasure, "--workspace DIR --device NAME [ARCH.yml] [--json]   (no ARCH: list the stored measurements)"}},
        {"search", {cmdSearch, "--workspace DIR --device NAME --max-latency-ms L [--seed N] [--generations G] [--population P --parents K --mutations M --crossovers C] [--upper-bound] [--cold] [--resume RUN] [--threads T] [--json]"}},
        {"pareto", {cmdPareto, "--workspace DIR --device NAME [--csv] [--all] [--upper-bound] [--bleu [--threads T]]"}},
        {"compare", {cmdCompare, "--workspace DIR [--devices A,B,...] [--relative-limit 0.5] [--upper-bound] [--json]"}},
        {"export", {cmdExport, "--workspace DIR --run ID --format yaml|json|csv"}},
        {"latency measure", {cmdLatencyMeasure, "--space S.yml --out FILE.csv (--samples N [--seed N] | --arch ARCH.yml) [--threads T] [--runs R] [--warmups W] [--src-len L] [--tgt-len L] [--beam B] [--vocab V] [--quiet]"}},
        {"latency predict", {cmdLatencyPredict, "--predictor P [--space S.yml] [--hat-lat-norm N] [--json] ARCH.yml"}},
        {"latency devices", {cmdLatencyDevices, "[--json]"}},
        {"predictor train", {cmdPredictorTrain, "--dataset CSV --out P [--seed N] [--space S.yml] [--steps N] [--folds K] [--threads T] [--hat-recipe [--hat-lat-norm N]] [--json] [--quiet]"}},
        {"predictor eval", {cmdPredictorEval, "--predictor P --dataset CSV [--hat-lat-norm N] [--json]"}},
        {"data prepare", {cmdDataPrepare, "--corpus DIR --out DIR [--src en] [--tgt de] [--vocab-size 8000] [--model-type unigram|bpe]"}},
        {"train", {cmdTrain, "--corpus DIR --dict dict.txt [--spm spm.model] --space S.yml --out DIR [--width-divisor 8] [--max-updates N] [--max-tokens N] [--lr X] [--warmup N] [--seed N] [--threads N] [--sampling hat|largest|sandwich] [--dropout P] [--clip-norm C] [--json]"}},
        {"eval", {cmdEval, "--checkpoint C --space S.yml ARCH.yml [--split valid|test] [--bleu] [--json] [--corpus DIR --dict D --spm M] [--limit N]"}},
    };
    return table;
}

void usage(std::ostream& out) {
    out << "usage: hat <command> [options]\n\ncommands:\n";
    for (const auto& [name, entry] : commands()) out << "  hat " << name << " " << entry.second << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    hat::keepFreedMemory();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        usage(args.empty() ? std::cerr : std::cout);
        return args.empty() ? 2 : 0;
    }
    // Two-word commands first ("arch info"), then one-word ones ("bleu").
    std::string name;
    size_t used = 0;
    if (args.size() >= 2 && commands().count(args[0] + " " + args[1])) {
        name = args[0] + " " + args[1];
        used = 2;
    } else if (commands().count(args[0])) {
        name = args[0];
        used = 1;
    } else {
        std::cerr << "hat: unknown command '" << args[0] << (args.size() > 1 ? " " + args[1] : "")
                  << "' (hat --help lists them)\n";
        return 2;
    }
    const std::vector<std::string> rest(args.begin() + used, args.end());
    try {
        return commands().at(name).first(rest);
    } catch (const hat::cli::UsageError& e) {
        std::cerr << "hat " << name << ": " << e.what() << "\nusage: hat " << name << " "
                  << commands().at(name).second << "\n";
        return 2;
    } catch (const hat::Error& e) {
        std::cerr << "hat " << name << ": " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::string what = e.what();
        std::cerr << "hat " << name << ": " << what.substr(0, what.find('\n')) << "\n";
        return 2;
    }
}
