#include "core/export/points_csv.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/export/number_text.h"
#include "core/workspace/workspace.h"
#include "core/space/arch_metrics.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "core/util/error.h"

namespace hat {

namespace {

// The resolved primary name first, then the workspace's other devices in their stored order.
std::vector<std::string> deviceOrder(Workspace& ws, const std::string& primaryDevice) {
    const std::string primary = ws.device(primaryDevice).name;
    std::vector<std::string> out{primary};
    for (const DeviceRecord& d : ws.devices()) {
        if (d.name != primary) out.push_back(d.name);
    }
    return out;
}

using PointsByGene = std::map<Gene, EvaluatedPoint>;

PointsByGene byGene(const std::vector<EvaluatedPoint>& points) {
    PointsByGene m;
    for (const auto& p : points) m.emplace(p.gene, p);
    return m;
}

// The stored latency (what searches and instant answers used); a gene the database has no row
// for is predicted now.
LatencyBound latencyOn(Workspace& ws, const std::string& device, const PointsByGene& stored, const Gene& gene) {
    const auto it = stored.find(gene);
    if (it != stored.end()) return {it->second.latencyMs, it->second.latencyUpperMs};
    return ws.latency(device, gene);
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

}  // namespace

PointsTable pointsTable(Workspace& ws, const std::string& primaryDevice, bool frontOnly, bool useUpper) {
    PointsTable t;
    t.devices = deviceOrder(ws, primaryDevice);
    std::vector<EvaluatedPoint> points = ws.evaluatedPoints(t.devices[0]);
    if (frontOnly) points = paretoFront(std::move(points), useUpper);
    // Ties broken by loss and gene so the row order never depends on the database's.
    auto key = [useUpper](const EvaluatedPoint& p) {
        return std::make_tuple(p.latency().constrained(useUpper), p.validLoss, std::cref(p.gene));
    };
    std::sort(points.begin(), points.end(),
              [&](const EvaluatedPoint& a, const EvaluatedPoint& b) { return key(a) < key(b); });
    std::vector<PointsByGene> others;
    for (size_t i = 1; i < t.devices.size(); ++i) others.push_back(byGene(ws.evaluatedPoints(t.devices[i])));
    for (const auto& p : points) {
        PointsTable::Row r{p.gene, p.validLoss, p.bleu, {{p.latencyMs, p.latencyUpperMs}}};
        for (size_t i = 1; i < t.devices.size(); ++i) r.latency.push_back(latencyOn(ws, t.devices[i], others[i - 1], p.gene));
        t.rows.push_back(std::move(r));
    }
    return t;
}

PointsTable pointsTableOf(Workspace& ws, const std::string& primaryDevice, const std::vector<Candidate>& candidates) {
    PointsTable t;
    t.devices = deviceOrder(ws, primaryDevice);
    std::vector<PointsByGene> stored;
    for (const auto& d : t.devices) stored.push_back(byGene(ws.evaluatedPoints(d)));
    const DesignSpace space = ws.space();
    for (const Candidate& c : candidates) {
        // Evaluations are stored under the canonical gene; a generation may hold another spelling.
        const Gene key = canonicalGene(c.gene, space);
        PointsTable::Row r{c.gene, c.fitness, std::nullopt, {c.latency}};
        const auto it = stored[0].find(key);
        if (it != stored[0].end()) r.bleu = it->second.bleu;
        for (size_t i = 1; i < t.devices.size(); ++i) r.latency.push_back(latencyOn(ws, t.devices[i], stored[i], key));
        t.rows.push_back(std::move(r));
    }
    return t;
}

std::vector<std::string> genePositionNames(const DesignSpace& space) {
    std::vector<std::string> n;
    auto perLayer = [&](const std::string& stem, int layers) {
        for (int i = 0; i < layers; ++i) n.push_back(stem + "_" + std::to_string(i));
    };
    const int E = space.superEncoderLayers, D = space.superDecoderLayers;
    n.push_back("encoder_embed_dim");
    n.push_back("encoder_layer_num");
    perLayer("encoder_ffn_dim", E);
    perLayer("encoder_heads", E);
    n.push_back("decoder_embed_dim");
    n.push_back("decoder_layer_num");
    perLayer("decoder_ffn_dim", D);
    perLayer("decoder_self_heads", D);
    perLayer("decoder_ende_heads", D);
    perLayer("decoder_arbitrary_ende_attn", D);
    return n;
}

std::string pointsCsv(const PointsTable& table, const DesignSpace& space) {
    if (table.devices.empty()) throw Error("points table without a device");
    const std::vector<std::string> positions = genePositionNames(space);
    std::vector<std::string> header = {"device", "latency_ms", "latency_upper_ms", "valid_loss",
                                       "bleu",   "params",     "flops_30x30",      "summary"};
    for (size_t i = 1; i < table.devices.size(); ++i) {
        header.push_back("latency_ms@" + table.devices[i]);
        header.push_back("latency_upper_ms@" + table.devices[i]);
    }
    header.insert(header.end(), positions.begin(), positions.end());
    header.push_back("gene");

    std::string out;
    auto line = [&out](const std::vector<std::string>& fields) {
        for (size_t i = 0; i < fields.size(); ++i) {
            if (i) out += ',';
            out += csvField(fields[i]);
        }
        out += '\n';
    };
    line(header);
    for (const auto& r : table.rows) {
        if (r.gene.size() != positions.size()) {
            throw Error("gene with " + std::to_string(r.gene.size()) + " positions in a points table of a space with " +
                        std::to_string(positions.size()));
        }
        if (r.latency.size() != table.devices.size()) {
            throw Error("points table row with " + std::to_string(r.latency.size()) + " latencies for " +
                        std::to_string(table.devices.size()) + " devices");
        }
        const SubConfig c = geneToConfig(r.gene, space);
        std::vector<std::string> f = {table.devices[0],
                                      fixedDecimals(r.latency[0].ms, 3),
                                      fixedDecimals(r.latency[0].upperMs, 3),
                                      fixedDecimals(r.validLoss, 6),
                                      r.bleu ? fixedDecimals(*r.bleu, 2) : std::string(),
                                      integerText(hatParameterCount(c, space.qkvDim)),
                                      integerText(flops(c, space.qkvDim, 30, 30, 0)),
                                      c.summary()};
        for (size_t i = 1; i < table.devices.size(); ++i) {
            f.push_back(fixedDecimals(r.latency[i].ms, 3));
            f.push_back(fixedDecimals(r.latency[i].upperMs, 3));
        }
        for (int v : r.gene) f.push_back(integerText(v));
        std::string spaced;
        for (size_t i = 0; i < r.gene.size(); ++i) spaced += (i ? " " : "") + integerText(r.gene[i]);
        f.push_back(spaced);
        line(f);
    }
    return out;
}

}  // namespace hat
