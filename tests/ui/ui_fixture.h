#pragma once
// A small real workspace for widget tests: a 60-sentence corpus, a random SuperTransformer at width
// divisor 16, a latency predictor trained briefly on the repository's local 1-thread dataset and
// stored where Workspace::init looks for it (DATA/latency/local/space0_1t.pt), and HAT's Raspberry
// Pi as a second device.
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <torch/torch.h>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/latency/latency_dataset.h"
#include "core/latency/latency_predictor.h"
#include "core/model/checkpoint.h"
#include "core/model/super_transformer.h"
#include "core/workspace/workspace.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

namespace hat::test {

struct UiWorkspace {
    std::string workspaceDir;
    DesignSpace space;
    double smallMs = 0.0, largeMs = 0.0;  // predicted latency of the smallest / largest config

    void build(const QTemporaryDir& tmp) {
        namespace fs = std::filesystem;
        space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        const std::string root = tmp.path().toStdString();
        const TinySupernet t = makeTinySupernet(root, 60, 3);
        const std::string corpus = t.corpusDir;
        const std::string ckpt = t.checkpoint;

        const std::string dataDir = root + "/data";
        fs::create_directories(dataDir + "/latency/local");
        PredictorTrainOptions po;
        po.steps = 200;
        po.folds = 2;
        const LatencyPredictor pred =
            LatencyPredictor::train(LatencyDataset::load(sourcePath("data/latency/local/space0_1t.csv")), po);
        pred.save(dataDir + "/latency/local/space0_1t.pt");
        smallMs = pred.estimate(SubConfig::smallest(space)).ms;
        largeMs = pred.estimate(SubConfig::largest(space)).ms;

        WorkspaceInit init;
        init.dir = root + "/ws";
        init.spacePath = sourcePath("data/spaces/space0.yml");
        init.checkpoint = ckpt;
        init.fitness.corpusDir = corpus;
        init.fitness.dictionary = corpus + "/dict.txt";
        init.fitness.sentences = 40;
        // A second device for the comparison view: HAT's Raspberry Pi with our shipped predictor.
        init.deviceIds = {"local/1t", "hat/wmt14ende_cpu_raspberrypi"};
        init.predictorOverrides["hat/wmt14ende_cpu_raspberrypi"] =
            sourcePath("data/latency/hat/wmt14ende_cpu_raspberrypi.pt");
        init.dataDir = dataDir;
        Workspace::init(init);
        workspaceDir = init.dir;
    }
};

}  // namespace hat::test
