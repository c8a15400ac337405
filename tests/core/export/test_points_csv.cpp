// The one points CSV: columns, row order, values as the workspace stores them (every device's
// latency is Workspace::latency), RFC 4180 quoting, the same bytes every time.
#include <QTemporaryDir>
#include <QtTest>

#include <random>
#include <set>

#include "core/export/number_text.h"
#include "core/export/points_csv.h"
#include "core/workspace/workspace.h"
#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/sampling.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"

using namespace hat;
using namespace hat::test;

namespace {
const char* kPi = "hat/wmt14ende_cpu_raspberrypi";
const char* kXeon = "hat/wmt14ende_cpu_xeon";

// RFC 4180 records (no line breaks inside fields in this file's data).
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) {
        std::vector<std::string> f(1);
        bool quoted = false;
        for (size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (quoted) {
                if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') f.back() += '"', ++i;
                else if (c == '"') quoted = false;
                else f.back() += c;
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                f.emplace_back();
            } else {
                f.back() += c;
            }
        }
        rows.push_back(f);
    }
    return rows;
}
}  // namespace

class TestPointsCsv : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::string ws;
    std::map<Gene, EvaluationRecord> stored;

private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 20, 3);
        WorkspaceInit in;
        in.dir = dir.filePath("ws").toStdString();
        in.spacePath = sourcePath("data/spaces/space0.yml");
        in.checkpoint = t.checkpoint;
        in.fitness.corpusDir = t.corpusDir;
        in.fitness.dictionary = t.dictionary;
        in.fitness.sentences = 10;
        in.deviceIds = {kPi, kXeon};
        in.dataDir = sourcePath("data");
        Workspace::init(in);
        ws = in.dir;

        // Evaluations written straight into the database: the CSV only reads them.
        Workspace w = Workspace::open(ws);
        const DesignSpace space = w.space();
        std::mt19937_64 rng(11);
        std::vector<EvaluationRecord> records;
        while (records.size() < 24) {
            const Gene g = canonicalGene(sampleGene(space, rng), space);
            if (stored.count(g)) continue;
            EvaluationRecord r{g, 4.0 + double(rng() % 100000) / 50000.0, std::nullopt};
            if (records.size() % 3 == 0) r.bleu = double(rng() % 3000) / 100.0;
            stored[g] = r;
            records.push_back(r);
        }
        SupernetFitness& f = w.fitness();
        WorkspaceDb::open(w.databasePath()).addEvaluations(f.supernetId(), f.fitnessSetId(), records);
    }

    void tableHasEveryPointWithEveryDevicesLatency() {
        Workspace w = Workspace::open(ws);
        const PointsTable t = pointsTable(w, "raspberrypi", false);
        QCOMPARE(t.devices, (std::vector<std::string>{kPi, kXeon}));
        QCOMPARE(t.rows.size(), stored.size());
        Workspace fresh = Workspace::open(ws);  // its own predictor caches
        for (size_t i = 0; i < t.rows.size(); ++i) {
            const auto& r = t.rows[i];
            QVERIFY(stored.count(r.gene));
            QCOMPARE(r.validLoss, stored[r.gene].validLoss);
            QCOMPARE(r.bleu.has_value(), stored[r.gene].bleu.has_value());
            if (r.bleu) QCOMPARE(*r.bleu, *stored[r.gene].bleu);
            QCOMPARE(r.latency.size(), size_t(2));
            for (size_t d = 0; d < 2; ++d) {
                const LatencyBound b = fresh.latency(t.devices[d], r.gene);
                QCOMPARE(r.latency[d].ms, b.ms);
                QCOMPARE(r.latency[d].upperMs, b.upperMs);
            }
            if (i) QVERIFY(t.rows[i - 1].latency[0].ms <= r.latency[0].ms);
        }
        // The primary can be any device; the rest follow.
        const PointsTable x = pointsTable(w, kXeon, false);
        QCOMPARE(x.devices, (std::vector<std::string>{kXeon, kPi}));
    }

    void frontOnlyIsTheParetoFront() {
        Workspace w = Workspace::open(ws);
        for (bool upper : {false, true}) {
            const auto front = paretoFront(w.evaluatedPoints(kPi), upper);
            const PointsTable t = pointsTable(w, kPi, true, upper);
            QCOMPARE(t.rows.size(), front.size());
            QVERIFY(t.rows.size() < stored.size());
            for (size_t i = 0; i < front.size(); ++i) QCOMPARE(t.rows[i].gene, front[i].gene);
        }
    }

    void csvColumnsAndValues() {
        Workspace w = Workspace::open(ws);
        const DesignSpace space = w.space();
        const PointsTable t = pointsTable(w, kPi, false);
        const std::string text = pointsCsv(t, space);
        QVERIFY(text.rfind("device,latency_ms,latency_upper_ms,valid_loss,bleu,params,", 0) == 0);
        const auto rows = parseCsv(text);
        QCOMPARE(rows.size(), t.rows.size() + 1);
        std::vector<std::string> want = {"device", "latency_ms", "latency_upper_ms", "valid_loss", "bleu", "params",
                                         "flops_30x30", "summary", std::string("latency_ms@") + kXeon,
                                         std::string("latency_upper_ms@") + kXeon, "encoder_embed_dim",
                                         "encoder_layer_num"};
        for (int i = 0; i < 6; ++i) want.push_back("encoder_ffn_dim_" + std::to_string(i));
        for (int i = 0; i < 6; ++i) want.push_back("encoder_heads_" + std::to_string(i));
        want.push_back("decoder_embed_dim");
        want.push_back("decoder_layer_num");
        for (const char* stem : {"decoder_ffn_dim_", "decoder_self_heads_", "decoder_ende_heads_",
                                 "decoder_arbitrary_ende_attn_"}) {
            for (int i = 0; i < 6; ++i) want.push_back(stem + std::to_string(i));
        }
        want.push_back("gene");
        QCOMPARE(rows[0], want);
        QCOMPARE(int(want.size()), 8 + 2 + space.geneLength() + 1);

        for (size_t i = 0; i < t.rows.size(); ++i) {
            const auto& r = t.rows[i];
            const auto& f = rows[i + 1];
            QCOMPARE(f.size(), want.size());
            const SubConfig c = geneToConfig(r.gene, space);
            QCOMPARE(f[0], std::string(kPi));
            QCOMPARE(f[1], fixedDecimals(r.latency[0].ms, 3));
            QCOMPARE(f[2], fixedDecimals(r.latency[0].upperMs, 3));
            QVERIFY(std::abs(std::stod(f[1]) - w.latency(kPi, r.gene).ms) <= 0.0005);
            QVERIFY(std::abs(std::stod(f[8]) - w.latency(kXeon, r.gene).ms) <= 0.0005);
            QVERIFY(std::abs(std::stod(f[9]) - w.latency(kXeon, r.gene).upperMs) <= 0.0005);
            QVERIFY(std::abs(std::stod(f[3]) - r.validLoss) <= 5e-7);
            QCOMPARE(f[3].size() - f[3].find('.') - 1, size_t(6));
            QCOMPARE(f[4], r.bleu ? fixedDecimals(*r.bleu, 2) : std::string());
            QCOMPARE(std::stoll(f[5]), (long long)hatParameterCount(c, space.qkvDim));
            QCOMPARE(std::stoll(f[6]), (long long)flops(c, space.qkvDim, 30, 30, 0));
            QCOMPARE(f[7], c.summary());
            for (int k = 0; k < space.geneLength(); ++k) QCOMPARE(std::stoi(f[10 + k]), r.gene[k]);
            std::string spaced;
            for (size_t k = 0; k < r.gene.size(); ++k) spaced += (k ? " " : "") + std::to_string(r.gene[k]);
            QCOMPARE(f.back(), spaced);
        }
        // Whoever builds the table again gets the same bytes.
        Workspace other = Workspace::open(ws);
        QCOMPARE(pointsCsv(pointsTable(other, "raspberrypi", false), other.space()), text);
    }

    void fieldsWithCommasOrQuotesAreQuoted() {
        const DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        SubConfig c = SubConfig::largest(space);
        c.decoderArbitraryEndeAttn = {-1, 1, 2, 1, 2, -1};
        PointsTable t;
        t.devices = {"dev \"a\",b", "plain"};
        t.rows.push_back({configToGene(c, space), 5.5, 27.1264, {{100.0, 110.0}, {1.0, 2.0}}});
        const std::string text = pointsCsv(t, space);
        const std::string row = text.substr(text.find('\n') + 1);
        QVERIFY2(row.rfind("\"dev \"\"a\"\",b\",100.000,110.000,5.500000,27.13,", 0) == 0, row.c_str());
        QVERIFY(row.find(",\"" + c.summary() + "\",") != std::string::npos);  // the summary lists arb[-1,1,2]
        QVERIFY(c.summary().find(',') != std::string::npos);
        QVERIFY(text.find(",latency_ms@plain,latency_upper_ms@plain,") != std::string::npos);
        const auto rows = parseCsv(text);
        QCOMPARE(rows[1][0], t.devices[0]);
        QCOMPARE(rows[1][7], c.summary());
        QCOMPARE(rows[1].size(), rows[0].size());
        // No BLEU: an empty field, not "nan" or 0.
        t.rows[0].bleu.reset();
        QCOMPARE(parseCsv(pointsCsv(t, space))[1][4], std::string());
    }

    void candidatesKeepTheirOrder() {
        Workspace w = Workspace::open(ws);
        std::vector<Candidate> members;
        for (const auto& [g, r] : stored) {
            members.push_back({g, r.validLoss, w.latency(kPi, g)});
            if (members.size() == 5) break;
        }
        std::reverse(members.begin(), members.end());
        const PointsTable t = pointsTableOf(w, kPi, members);
        QCOMPARE(t.rows.size(), members.size());
        for (size_t i = 0; i < members.size(); ++i) {
            QCOMPARE(t.rows[i].gene, members[i].gene);
            QCOMPARE(t.rows[i].validLoss, members[i].fitness);
            QCOMPARE(t.rows[i].bleu.has_value(), stored[members[i].gene].bleu.has_value());
            QCOMPARE(t.rows[i].latency[1].ms, w.latency(kXeon, members[i].gene).ms);
        }
    }
};

QTEST_GUILESS_MAIN(TestPointsCsv)
#include "test_points_csv.moc"
