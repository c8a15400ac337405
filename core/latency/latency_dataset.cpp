#include "core/latency/latency_dataset.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <fstream>
#include <map>
#include <sstream>

#include "core/latency/dataset_tail.h"
#include "core/latency/runtime.h"
#include "core/util/error.h"
#include "core/util/safe_write.h"

namespace hat {

namespace {

// HAT's column names, in its order (latency_dataset.py writes them, latency_predictor.py reads
// them by position).
const char* const kFeatureColumns[10] = {
    "encoder_embed_dim",          "encoder_layer_num",
    "encoder_ffn_embed_dim_avg",  "encoder_self_attention_heads_avg",
    "decoder_embed_dim",          "decoder_layer_num",
    "decoder_ffn_embed_dim_avg",  "decoder_self_attention_heads_avg",
    "decoder_ende_attention_heads_avg", "decoder_arbitrary_ende_attn_avg"};
const char* const kLatencyColumns[4] = {"latency_mean_encoder", "latency_mean_decoder",
                                        "latency_std_encoder", "latency_std_decoder"};
const char* const kProtocolColumns[12] = {"warmups", "runs",    "trim_low", "trim_high",
                                          "threads", "src_len", "tgt_len",  "beam",
                                          "vocab",   "runtime", "machine",  "gene"};

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos
                                                                     : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return {};
    const size_t b = s.find_last_not_of(" \t\r");
    return s.substr(a, b - a + 1);
}

// Shortest text that reads back as the same double (Python's repr does the same, so HAT's
// values such as 1877.3333333333333 survive a round trip unchanged).
std::string formatDouble(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string sanitize(const std::string& s) {
    std::string out = s;
    for (char& c : out) {
        if (c == ',' || c == '\n' || c == '\r') c = ';';
    }
    return out;
}

uint64_t splitMix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace

bool MeasurementProtocol::sameAs(const MeasurementProtocol& o) const {
    return warmups == o.warmups && runs == o.runs && trimLow == o.trimLow &&
           trimHigh == o.trimHigh && threads == o.threads && srcLen == o.srcLen &&
           tgtLen == o.tgtLen && beam == o.beam && vocab == o.vocab && machine == o.machine &&
           runtime == o.runtime;
}

std::string MeasurementProtocol::summary() const {
    if (!known()) return "protocol not recorded";
    std::ostringstream s;
    if (runtime != "fp32") s << "runtime " << runtime << ", ";
    s << warmups << " warm-ups, " << runs << " timed runs (drop " << trimLow << " fastest, "
      << trimHigh << " slowest), " << threads << " thread" << (threads == 1 ? "" : "s")
      << ", source " << srcLen << ", " << tgtLen << " decoder steps, beam " << beam << ", vocab "
      << vocab << ", " << machine;
    return s.str();
}

std::vector<double> LatencyDataset::totalsMs() const {
    std::vector<double> out;
    out.reserve(samples.size());
    for (const auto& s : samples) out.push_back(s.totalMs());
    return out;
}

LatencyDataset LatencyDataset::subset(const std::vector<size_t>& indices) const {
    LatencyDataset d;
    d.source = source;
    d.samples.reserve(indices.size());
    for (size_t i : indices) d.samples.push_back(samples.at(i));
    return d;
}

LatencyDataset LatencyDataset::load(const std::string& path) {
    return parse(readDatasetText(path), path);
}

LatencyDataset LatencyDataset::parse(const std::string& fileText, const std::string& file) {
    LatencyDataset d;
    d.source = file;
    // A row an interrupted append left is not data: read the file without it (dataset_tail.h).
    const TornRow torn = findTornRow(fileText);
    if (torn && torn.keepBytes == 0) {
        fail(file, "holds only the start of a header, left by an interrupted write: no rows");
    }
    std::istringstream in(torn ? fileText.substr(0, torn.keepBytes) : fileText);
    std::string line;
    int lineNo = 0;
    std::vector<std::string> header;
    std::map<std::string, size_t> extra;  // protocol column -> field index
    auto where = [&]() { return file + ":" + std::to_string(lineNo); };
    while (std::getline(in, line)) {
        ++lineNo;
        if (trim(line).empty()) continue;
        auto fields = splitCsv(line);
        for (auto& f : fields) f = trim(f);
        if (header.empty()) {
            header = fields;
            if (header.size() < 14) {
                fail(where(), "the header has " + std::to_string(header.size()) +
                                  " columns; a latency dataset needs HAT's 14 (10 features, "
                                  "encoder/decoder mean and std)");
            }
            for (size_t i = 0; i < 14; ++i) {
                const std::string want = i < 10 ? kFeatureColumns[i] : kLatencyColumns[i - 10];
                if (header[i] != want) {
                    fail(where(), "column " + std::to_string(i + 1) + " is '" + header[i] +
                                      "', HAT's latency CSV has '" + want + "' there");
                }
            }
            for (size_t i = 14; i < header.size(); ++i) {
                bool known = false;
                for (const char* c : kProtocolColumns) known = known || header[i] == c;
                if (!known) fail(where(), "unknown column '" + header[i] + "'");
                if (!extra.emplace(header[i], i).second) {
                    fail(where(), "column '" + header[i] + "' appears twice");
                }
            }
            continue;
        }
        if (fields.size() != header.size()) {
            fail(where(), "the row has " + std::to_string(fields.size()) + " fields, the header " +
                              std::to_string(header.size()));
        }
        auto number = [&](size_t i) {
            double v = 0.0;
            const std::string& f = fields[i];
            const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
            if (f.empty() || r.ec != std::errc() || r.ptr != f.data() + f.size() ||
                !std::isfinite(v)) {
                fail(where(), "column '" + header[i] + "' is '" + f + "', not a finite number");
            }
            return v;
        };
        LatencySample s;
        for (size_t i = 0; i < 10; ++i) {
            s.features[i] = number(i);
            if (s.features[i] <= 0.0) {
                fail(where(), "column '" + header[i] + "' must be positive, got " + fields[i]);
            }
        }
        if (s.features[9] < 1.0 || s.features[9] > 3.0) {
            fail(where(), "decoder_arbitrary_ende_attn_avg must lie in [1, 3] (HAT maps -1/1/2 to "
                          "1/2/3), got " + fields[9]);
        }
        s.encoderMs = number(10);
        s.decoderMs = number(11);
        s.encoderStdMs = number(12);
        s.decoderStdMs = number(13);
        if (s.encoderMs < 0.0 || s.decoderMs < 0.0 || s.totalMs() <= 0.0) {
            fail(where(), "latencies must be non-negative with a positive total");
        }
        if (s.encoderStdMs < 0.0 || s.decoderStdMs < 0.0) {
            fail(where(), "standard deviations must be non-negative");
        }
        auto integer = [&](const char* name) {
            const auto it = extra.find(name);
            if (it == extra.end()) return 0;
            const double v = number(it->second);
            // Compared before the cast: a double beyond int's range (or inf, NaN) has no int value.
            if (!(v >= 0.0 && v <= double(std::numeric_limits<int>::max())) || v != std::floor(v)) {
                fail(where(), std::string("column '") + name + "' must be an integer from 0 to " +
                                  std::to_string(std::numeric_limits<int>::max()));
            }
            return static_cast<int>(v);
        };
        s.protocol.warmups = integer("warmups");
        s.protocol.runs = integer("runs");
        s.protocol.trimLow = integer("trim_low");
        s.protocol.trimHigh = integer("trim_high");
        s.protocol.threads = integer("threads");
        s.protocol.srcLen = integer("src_len");
        s.protocol.tgtLen = integer("tgt_len");
        s.protocol.beam = integer("beam");
        s.protocol.vocab = integer("vocab");
        if (extra.count("machine")) s.protocol.machine = fields[extra["machine"]];
        if (extra.count("runtime")) {
            s.protocol.runtime = fields[extra["runtime"]];
            try {
                findRuntime(s.protocol.runtime);
            } catch (const Error& e) {
                fail(where(), e.what());
            }
        }
        if (extra.count("gene")) {
            std::istringstream g(fields[extra["gene"]]);
            std::string tok;
            while (g >> tok) {
                int v = 0;
                const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
                if (r.ec != std::errc() || r.ptr != tok.data() + tok.size()) {
                    fail(where(), "gene entry '" + tok + "' is not an integer");
                }
                s.gene.push_back(v);
            }
        }
        d.samples.push_back(std::move(s));
    }
    if (header.empty()) fail(file, "empty latency dataset (no header)");
    return d;
}

std::string LatencyDataset::csvHeader(bool withProtocol, bool withRuntime) {
    std::string h;
    for (const char* c : kFeatureColumns) h += std::string(h.empty() ? "" : ",") + c;
    for (const char* c : kLatencyColumns) h += std::string(",") + c;
    if (withProtocol) {
        for (const char* c : kProtocolColumns) {
            if (withRuntime || std::string(c) != "runtime") h += std::string(",") + c;
        }
    }
    return h;
}

std::string LatencyDataset::csvRow(const LatencySample& s, bool withProtocol, bool withRuntime) {
    std::string r;
    for (size_t i = 0; i < 10; ++i) r += (i ? "," : "") + formatDouble(s.features[i]);
    for (double v : {s.encoderMs, s.decoderMs, s.encoderStdMs, s.decoderStdMs}) {
        r += "," + formatDouble(v);
    }
    if (withProtocol) {
        const auto& p = s.protocol;
        for (int v : {p.warmups, p.runs, p.trimLow, p.trimHigh, p.threads, p.srcLen, p.tgtLen,
                      p.beam, p.vocab}) {
            r += "," + std::to_string(v);
        }
        if (withRuntime) r += "," + sanitize(p.runtime);
        r += "," + sanitize(p.machine) + ",";
        for (size_t i = 0; i < s.gene.size(); ++i) r += (i ? " " : "") + std::to_string(s.gene[i]);
    }
    return r;
}

std::string LatencyDataset::toCsv() const {
    bool withProtocol = false;
    bool withRuntime = false;
    for (const auto& s : samples) {
        withProtocol = withProtocol || s.protocol.known() || !s.gene.empty();
        withRuntime = withRuntime || needsRuntimeColumn(s);
    }
    std::string out = csvHeader(withProtocol, withRuntime) + "\n";
    for (const auto& s : samples) out += csvRow(s, withProtocol, withRuntime) + "\n";
    return out;
}

void LatencyDataset::save(const std::string& path) const {
    // Replaced atomically: an interrupted save never leaves half a dataset, nor a temporary file.
    const std::string csv = toCsv();
    replaceFileAtomically(path, csv.data(), csv.size());
}

std::vector<size_t> shuffledIndices(size_t n, uint64_t seed) {
    std::vector<size_t> idx(n);
    for (size_t i = 0; i < n; ++i) idx[i] = i;
    uint64_t state = seed;
    for (size_t i = n; i > 1; --i) {
        const size_t j = static_cast<size_t>(splitMix64(state) % i);
        std::swap(idx[i - 1], idx[j]);
    }
    return idx;
}

DatasetSplit splitRows(size_t n, double testFraction, uint64_t seed) {
    if (testFraction < 0.0 || testFraction >= 1.0) throw Error("test fraction must be in [0, 1)");
    const auto idx = shuffledIndices(n, seed);
    const size_t nTest = static_cast<size_t>(std::lround(testFraction * static_cast<double>(n)));
    DatasetSplit s;
    s.test.assign(idx.begin(), idx.begin() + nTest);
    s.train.assign(idx.begin() + nTest, idx.end());
    return s;
}

}  // namespace hat
