#pragma once
// The work functions behind Tools: each builds a JobRunner::Work that runs on the job's own
// thread with core only, reports progress and log lines through its JobContext, and returns the
// line the Jobs dock and the log show when it ends.
#include <QString>

#include "core/latency/latency_measure.h"
#include "core/store/workspace_db.h"
#include "core/space/gene.h"
#include "core/train/trainer.h"
#include "ui/job_runner.h"

namespace hat::ui {

// Measures `gene` on this machine as the workspace's local `device` (Workspace::measureHere):
// stored in the workspace next to the device's prediction.
JobRunner::Work measureHereWork(const QString& workspaceDir, const QString& device, const Gene& gene);

// One line comparing a measurement with its prediction (and the 90% interval).
QString measurementSummary(const QString& device, const MeasurementRecord& m);

struct DatasetJob {
    DesignSpace space;
    MeasureOptions options;
    int samples = 300;
    uint64_t seed = 1;
    QString csvPath;        // resumed when it holds the first rows of the same run
    QString predictorPath;  // empty: do not train a predictor afterwards
};
// HAT-style latency dataset on this machine (measureDataset), then optionally a predictor
// trained on it (LatencyPredictor::train, saved with the space).
JobRunner::Work measureDatasetWork(const DatasetJob& job);

// SuperTransformer training (trainSuperTransformer); resumes from OUT/checkpoint_last.pt. Cancel
// stops after the current update with a checkpoint.
JobRunner::Work trainWork(const TrainOptions& options);

}  // namespace hat::ui
