#pragma once
// The one CSV dialect for evaluated architectures: `hat pareto --csv`, `hat export --format csv`
// and the window's export all write pointsCsv, so a spreadsheet made from one reads the others.
#include <optional>
#include <string>
#include <vector>

#include "core/search/evolution.h"
#include "core/space/design_space.h"

namespace hat {

class Workspace;

struct PointsTable {
    std::vector<std::string> devices;  // every device whose latency is a column, the primary first
    struct Row {
        Gene gene;
        double validLoss = 0.0;
        std::optional<double> bleu;
        std::vector<LatencyBound> latency;  // latency[i] on devices[i]
    };
    std::vector<Row> rows;
};

// Every evaluated point of `primaryDevice` (or only its Pareto front, as paretoFront draws it),
// with its stored latency on every device of the workspace, in the primary device's latency order
// (the upper end's with `useUpper`). `primaryDevice` may be any name Workspace::device accepts.
PointsTable pointsTable(Workspace& ws, const std::string& primaryDevice, bool frontOnly, bool useUpper = false);
// The same columns for given candidates (e.g. a search generation), kept in their order: the
// primary latency is the candidate's own, the other devices' come from the workspace.
PointsTable pointsTableOf(Workspace& ws, const std::string& primaryDevice, const std::vector<Candidate>& candidates);

// One name per gene position: encoder_embed_dim, encoder_layer_num, encoder_ffn_dim_0..,
// encoder_heads_0.., decoder_embed_dim, decoder_layer_num, decoder_ffn_dim_0..,
// decoder_self_heads_0.., decoder_ende_heads_0.., decoder_arbitrary_ende_attn_0..
std::vector<std::string> genePositionNames(const DesignSpace& space);

// Header, then one line per row ('\n' line ends). Columns: device (the primary), latency_ms,
// latency_upper_ms, valid_loss, bleu, params, flops_30x30, summary, latency_ms@D and
// latency_upper_ms@D for every other device D, genePositionNames, gene (space-separated).
// Latency 3 decimals, loss 6, BLEU 2 (empty when unknown); fields holding a comma, quote or line
// break are quoted as RFC 4180 says. Independent of the locale: the same table gives the same bytes.
std::string pointsCsv(const PointsTable& table, const DesignSpace& space);

}  // namespace hat
