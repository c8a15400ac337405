#pragma once
// Every `hat` subcommand: takes the arguments after its name, returns the exit code.
#include <string>
#include <vector>

namespace hat::cli {

int cmdArchInfo(const std::vector<std::string>& args);
int cmdArchSample(const std::vector<std::string>& args);
int cmdLatencyMeasure(const std::vector<std::string>& args);
int cmdLatencyPredict(const std::vector<std::string>& args);
int cmdLatencyDevices(const std::vector<std::string>& args);
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

}  // namespace hat::cli
