#pragma once
// Every `hat` subcommand: takes the arguments after its name, returns the exit code. Each one's
// option table (app/cli/args.h) sits next to it; main() lists them and prints their help.
#include <string>
#include <vector>

#include "app/cli/args.h"

namespace hat::cli {

int cmdArchInfo(const std::vector<std::string>& args);
int cmdArchSample(const std::vector<std::string>& args);
int cmdLatencyMeasure(const std::vector<std::string>& args);
int cmdLatencyPredict(const std::vector<std::string>& args);
int cmdLatencyDevices(const std::vector<std::string>& args);
int cmdLatencyRuntimes(const std::vector<std::string>& args);
int cmdPredictorTrain(const std::vector<std::string>& args);
int cmdPredictorEval(const std::vector<std::string>& args);
int cmdDataPrepare(const std::vector<std::string>& args);
int cmdTrain(const std::vector<std::string>& args);
int cmdEval(const std::vector<std::string>& args);
int cmdArchWeights(const std::vector<std::string>& args);
int cmdWorkspaceInit(const std::vector<std::string>& args);
int cmdWorkspaceCopy(const std::vector<std::string>& args);
int cmdSearch(const std::vector<std::string>& args);
int cmdPareto(const std::vector<std::string>& args);
int cmdCompare(const std::vector<std::string>& args);
int cmdWorkspaceMeasure(const std::vector<std::string>& args);
int cmdExport(const std::vector<std::string>& args);

const CommandSpec& archInfoSpec();
const CommandSpec& archSampleSpec();
const CommandSpec& latencyMeasureSpec();
const CommandSpec& latencyPredictSpec();
const CommandSpec& latencyDevicesSpec();
const CommandSpec& latencyRuntimesSpec();
const CommandSpec& predictorTrainSpec();
const CommandSpec& predictorEvalSpec();
const CommandSpec& dataPrepareSpec();
const CommandSpec& trainSpec();
const CommandSpec& evalSpec();
const CommandSpec& archWeightsSpec();
const CommandSpec& workspaceInitSpec();
const CommandSpec& workspaceCopySpec();
const CommandSpec& searchSpec();
const CommandSpec& paretoSpec();
const CommandSpec& compareSpec();
const CommandSpec& workspaceMeasureSpec();
const CommandSpec& exportSpec();

}  // namespace hat::cli
