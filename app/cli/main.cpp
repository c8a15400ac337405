// hat: the command-line face of HAT Explorer's core (no Qt; runs on a server or a device).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <new>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/cmd_bleu.h"
#include "app/cli/commands.h"
#include "core/util/allocator.h"
#include "core/util/error.h"
#include "core/util/input_file.h"
#include "core/util/progress.h"

namespace {

using namespace hat::cli;

struct Command {
    const CommandSpec& (*spec)();
    int (*run)(const std::vector<std::string>&);
};

// In the order `hat --help` lists them.
const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {archInfoSpec, cmdArchInfo},
        {archSampleSpec, cmdArchSample},
        {archWeightsSpec, cmdArchWeights},
        {bleuSpec, cmdBleu},
        {compareSpec, cmdCompare},
        {dataPrepareSpec, cmdDataPrepare},
        {evalSpec, cmdEval},
        {exportSpec, cmdExport},
        {latencyDevicesSpec, cmdLatencyDevices},
        {latencyMeasureSpec, cmdLatencyMeasure},
        {latencyPredictSpec, cmdLatencyPredict},
        {latencyRuntimesSpec, cmdLatencyRuntimes},
        {paretoSpec, cmdPareto},
        {predictorEvalSpec, cmdPredictorEval},
        {predictorTrainSpec, cmdPredictorTrain},
        {searchSpec, cmdSearch},
        {trainSpec, cmdTrain},
        {workspaceCopySpec, cmdWorkspaceCopy},
        {workspaceInitSpec, cmdWorkspaceInit},
        {workspaceMeasureSpec, cmdWorkspaceMeasure},
    };
    return all;
}

const Command* findCommand(const std::string& name) {
    for (const Command& c : commands()) {
        if (c.spec().name == name) return &c;
    }
    return nullptr;
}

// The command the first words name: two-word commands first ("arch info"), then one-word ones
// ("bleu"). `used` is how many words the name took.
const Command* resolve(const std::vector<std::string>& words, size_t& used) {
    if (words.size() >= 2) {
        if (const Command* c = findCommand(words[0] + " " + words[1])) {
            used = 2;
            return c;
        }
    }
    if (!words.empty()) {
        if (const Command* c = findCommand(words[0])) {
            used = 1;
            return c;
        }
    }
    return nullptr;
}

int unknownCommand(const std::vector<std::string>& words) {
    std::cerr << "hat: unknown command '" << words[0] << (words.size() > 1 ? " " + words[1] : "")
              << "' (hat --help lists them)\n";
    return 2;
}

void listCommands(std::ostream& out) {
    out << "usage: hat <command> [options]\n\ncommands:\n";
    size_t width = 0;
    for (const Command& c : commands()) width = std::max(width, c.spec().name.size());
    for (const Command& c : commands()) {
        const CommandSpec& spec = c.spec();
        out << "  " << spec.name << std::string(width - spec.name.size() + 2, ' ') << spec.summary
            << "\n";
    }
    out << "\n'hat <command> --help' (or 'hat help <command>') describes a command and its "
           "options.\n";
}

// Messages go out as one printable line, whatever bytes a file put into them.
std::string oneLine(const std::string& message) { return hat::shownText(message, 2000); }

// The existing files and directories named on the command line. An error that escaped every
// reader (std::bad_alloc, a library's own exception) does not say which input it came from;
// these are the candidates, so the message still points at a file.
std::string inputsNamed(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) {
        std::string path = word;
        if (word.rfind("--", 0) == 0) {
            const size_t eq = word.find('=');
            if (eq == std::string::npos) continue;
            path = word.substr(eq + 1);
        }
        std::error_code ec;
        if (path.empty() || !std::filesystem::exists(path, ec)) continue;
        out += (out.empty() ? "" : ", ") + path;
    }
    return out;
}

std::string unexpected(const std::string& what, const std::vector<std::string>& words) {
    const std::string inputs = inputsNamed(words);
    return oneLine(what) + (inputs.empty() ? "" : " (while reading or writing " + inputs + ")");
}

}  // namespace

int main(int argc, char** argv) {
    hat::keepFreedMemory();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        listCommands(std::cerr);
        return 2;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        if (args.size() == 1) {
            listCommands(std::cout);
            return 0;
        }
        const std::vector<std::string> topic(args.begin() + 1, args.end());
        size_t used = 0;
        const Command* c = resolve(topic, used);
        if (!c || used != topic.size()) return unknownCommand(topic);
        std::cout << helpText(c->spec());
        return 0;
    }
    size_t used = 0;
    const Command* command = resolve(args, used);
    if (!command) return unknownCommand(args);
    const CommandSpec& spec = command->spec();
    const std::vector<std::string> rest(args.begin() + used, args.end());
    try {
        return command->run(rest);
    } catch (const HelpRequested&) {
        std::cout << helpText(spec);
        return 0;
    } catch (const UsageError& e) {
        std::cerr << "hat " << spec.name << ": " << e.what() << "\nusage: hat " << spec.name << " "
                  << spec.synopsis << "\n";
        return 2;
    } catch (const hat::Cancelled&) {
        // Ctrl-C (or SIGTERM) in a job that keeps nothing partial: the shell's convention.
        std::cerr << "hat " << spec.name << ": interrupted, nothing written\n";
        return 130;
    } catch (const hat::Error& e) {
        std::cerr << "hat " << spec.name << ": " << oneLine(e.what()) << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "hat " << spec.name << ": " << unexpected("out of memory", rest) << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "hat " << spec.name << ": " << unexpected(e.what(), rest) << "\n";
        return 2;
    }
}
