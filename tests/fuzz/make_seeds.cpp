// Writes the fuzzers' seed corpora, one folder per target under argv[1], from the project's own
// files (data/spaces, data/latency) and from small valid files made with our own writers: tiny
// checkpoints and predictors (so nothing large is committed), a tiny workspace database.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "core/latency/latency_dataset.h"
#include "core/latency/predictor_file.h"
#include "core/latency/predictor_model.h"
#include "core/model/checkpoint.h"
#include "core/space/design_space.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "core/space/sub_config.h"
#include "core/space/subconfig_io.h"
#include "core/store/workspace_db.h"
#include "core/util/error.h"

namespace fs = std::filesystem;
using namespace hat;

namespace {

const fs::path kSource = HAT_SOURCE_DIR;
const char* const kSpaces[] = {"space0.yml", "space1_iwslt.yml", "latency_space.yml"};

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) fail(path.string(), "cannot write seed");
}

std::string headOf(const fs::path& path, int lines) {
    std::ifstream in(path);
    if (!in) fail(path.string(), "cannot open file");
    std::string out, line;
    for (int i = 0; i < lines && std::getline(in, line); ++i) out += line + "\n";
    return out;
}

void spaceSeeds(const fs::path& dir) {
    for (const char* name : kSpaces) fs::copy_file(kSource / "data/spaces" / name, dir / name,
                                                   fs::copy_options::overwrite_existing);
}

void subConfigSeeds(const fs::path& dir) {
    for (const char* name : kSpaces) {
        const DesignSpace space = DesignSpace::loadYaml((kSource / "data/spaces" / name).string());
        const std::string stem = fs::path(name).stem().string();
        const SubConfig configs[] = {SubConfig::largest(space), SubConfig::smallest(space),
                                     sampleConfigHat(space, 1)};
        int i = 0;
        for (const SubConfig& c : configs) {
            const std::string base = stem + "_" + std::to_string(i++);
            writeText(dir / (base + ".yml"), subConfigToYaml(c));
            writeText(dir / (base + ".json"), subConfigToJson(c));
        }
    }
}

void latencySeeds(const fs::path& dir) {
    // The first rows are enough: every row has the same shape.
    writeText(dir / "space0_1t_head.csv", headOf(kSource / "data/latency/local/space0_1t.csv", 6));
    writeText(dir / "xeon_head.csv",
              headOf(kSource / "data/latency/hat/wmt14ende_cpu_xeon_all.csv", 6));
}

void geneSeeds(const fs::path& dir, const DesignSpace& space) {
    std::mt19937_64 rng(7);
    writeText(dir / "largest.txt", geneToText(configToGene(SubConfig::largest(space), space)));
    writeText(dir / "smallest.txt", geneToText(configToGene(SubConfig::smallest(space), space)));
    writeText(dir / "sampled.txt", geneToText(sampleGene(space, rng)));
    writeText(dir / "empty.txt", "");
}

// A small space for tiny models: two layers a side, widths of 4 to 16.
DesignSpace tinySpace() {
    DesignSpace s;
    s.name = "tiny";
    s.superEncoderEmbedDim = s.superDecoderEmbedDim = 8;
    s.superEncoderFfnDim = s.superDecoderFfnDim = 16;
    s.superEncoderLayers = s.superDecoderLayers = 2;
    s.superEncoderHeads = s.superDecoderHeads = 2;
    s.qkvDim = 8;
    s.encoderEmbedChoice = s.decoderEmbedChoice = {8, 4};
    s.encoderFfnChoice = s.decoderFfnChoice = {16, 8};
    s.encoderLayerNumChoice = {2};
    s.decoderLayerNumChoice = {2, 1};
    s.encoderSelfHeadsChoice = s.decoderSelfHeadsChoice = s.decoderEndeHeadsChoice = {2, 1};
    s.decoderArbitraryChoice = {-1, 1};
    s.validate("tiny space");
    return s;
}

void checkpointSeeds(const fs::path& dir) {
    for (int divisor : {1, 2}) {
        ModelOptions o;
        o.space = tinySpace();
        o.vocabSize = 8;
        o.widthDivisor = divisor;
        torch::manual_seed(1);
        const SuperTransformer model(o);
        const std::string name = "tiny_d" + std::to_string(divisor) + ".pt";
        saveSuperTransformer(model, (dir / name).string());
        if (divisor == 1) saveTensorDict(model->hatStateDict(), (dir / "tiny_bare_hat.pt").string());
    }
}

void predictorSeeds(const fs::path& dir, const DesignSpace& space) {
    torch::manual_seed(1);
    PredictorModel m;
    m.net = PredictorNet(10, 6, 1);
    m.layout = FeatureLayout::Hat10;
    m.features = hatNormalisation();
    m.targetScale = 300.0;
    m.interval = {0.9, -0.1, 0.1};
    HeldOutRow row;
    row.features = latencyFeatures(SubConfig::smallest(space));
    row.measuredMs = 100.0;
    row.predictedMs = 101.0;
    row.lowMs = 91.0;
    row.highMs = 111.0;
    m.heldOut = {row};
    m.description = "fuzz seed";
    m.spaceYaml = space.toYaml();
    savePredictorFile(m, (dir / "ours_hat10.pt").string());
    // HAT's own file: the bare Net state dict.
    saveTensorDict(m.net->weights(), (dir / "bare_hat.pt").string());
}

void sql(sqlite3* db, const char* statement) {
    char* error = nullptr;
    if (sqlite3_exec(db, statement, nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string m = error ? error : "?";
        sqlite3_free(error);
        fail("seed database", m);
    }
}

void databaseSeeds(const fs::path& dir, const DesignSpace& space) {
    const fs::path path = dir / "tiny_workspace.db";
    fs::remove(path);
    {
        WorkspaceDb db = WorkspaceDb::open(path.string(), /*create=*/true);
        db.setSpace(space);
        const int64_t sn = db.addSupernet({0, "checkpoint.pt", "0123abcd", 8});
        const int64_t fs = db.addFitnessSet({0, "valid", 10, "4567ef01"});
        const int64_t dev = db.addDevice({0, "xeon", "dataset", "xeon.csv", "xeon.pt"});
        std::mt19937_64 rng(3);
        std::vector<EvaluationRecord> evals;
        std::vector<std::pair<Gene, LatencyBound>> latencies;
        GenerationReport report;
        for (int i = 0; i < 3; ++i) {
            const Gene g = canonicalGene(sampleGene(space, rng), space);
            evals.push_back({g, 5.0 + i, 20.0 - i});
            latencies.push_back({g, {100.0 + 10 * i, 110.0 + 10 * i}});
            report.population.push_back({g, -(5.0 + i), {100.0 + 10 * i, 110.0 + 10 * i}});
        }
        db.addEvaluations(sn, fs, evals);
        db.addLatencies(dev, latencies);
        MeasurementRecord m;
        m.gene = evals[0].gene;
        m.encoderMs = 10.0;
        m.decoderMs = 90.0;
        m.protocol = "seed";
        db.addMeasurement(dev, m);
        const int64_t run = db.createRun({0, dev, 150.0, 1, "{}", "running"});
        report.best = report.population[0];
        report.next.generation = 1;
        for (const auto& c : report.population) report.next.population.push_back(c.gene);
        report.next.rngState = "1";
        db.writeGeneration(run, report);
    }
    // Small pages and no WAL: a few kilobytes for the fuzzer to mutate instead of tens.
    sqlite3* raw = nullptr;
    if (sqlite3_open(path.string().c_str(), &raw) != SQLITE_OK) fail(path.string(), "cannot reopen");
    sql(raw, "PRAGMA journal_mode=DELETE; PRAGMA page_size=512; VACUUM;");
    sqlite3_close(raw);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seeds OUTPUT_DIR\n";
        return 2;
    }
    try {
        const fs::path out = argv[1];
        auto dir = [&](const char* target) {
            const fs::path d = out / target;
            fs::create_directories(d);
            return d;
        };
        const DesignSpace space0 = DesignSpace::loadYaml((kSource / "data/spaces/space0.yml").string());
        spaceSeeds(dir("fuzz_space_yaml"));
        subConfigSeeds(dir("fuzz_subconfig"));
        latencySeeds(dir("fuzz_latency_csv"));
        geneSeeds(dir("fuzz_gene_text"), space0);
        databaseSeeds(dir("fuzz_workspace_db"), space0);
        checkpointSeeds(dir("fuzz_checkpoint"));
        predictorSeeds(dir("fuzz_predictor"), space0);
    } catch (const std::exception& e) {
        std::cerr << "make_seeds: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
