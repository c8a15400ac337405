// Parity with the reference scorers: every case of tests/fixtures/bleu/sacrebleu_cases.json
// (sacreBLEU 2.6.0 BLEU and chrF, multi-bleu.perl, fairseq/HAT score.py), plus the tokenizer and
// compound-splitting tables, plus our stricter input checks.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/bleu.h"
#include "core/eval/chrf.h"
#include "core/eval/text_tokenizers.h"
#include "core/util/error.h"

using nlohmann::json;

namespace {

constexpr double kScoreTolerance = 1e-6;  // the fixture README's tolerance for scores
// Precisions, BP and ratios are a single division or exp away from integers; they must agree
// to rounding noise.
constexpr double kValueTolerance = 1e-9;

const json& fixture() {
    static const json data = [] {
        std::ifstream in(HAT_FIXTURES_DIR "/bleu/sacrebleu_cases.json");
        if (!in) qFatal("cannot open %s", HAT_FIXTURES_DIR "/bleu/sacrebleu_cases.json");
        return json::parse(in);
    }();
    return data;
}

const json& caseAt(int index) { return fixture()["cases"][static_cast<size_t>(index)]; }

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString fullDouble(double v) { return QString::number(v, 'g', 17); }

// Helpers report through QVERIFY and return early; callers use CHECK to stop at the first
// failure so the message names the field that differs.
#define CHECK(call)                             \
    do {                                        \
        call;                                   \
        if (QTest::currentTestFailed()) return; \
    } while (0)

void checkNear(double actual, double expected, double tolerance, const char* what) {
    QVERIFY2(std::abs(actual - expected) <= tolerance,
             qPrintable(QString("%1: got %2, expected %3")
                            .arg(what, fullDouble(actual), fullDouble(expected))));
}

void checkDoubles(const std::vector<double>& actual, const json& expected, double tolerance,
                  const char* what) {
    QCOMPARE(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) {
        const std::string label = std::string(what) + "[" + std::to_string(i) + "]";
        CHECK(checkNear(actual[i], expected[i].get<double>(), tolerance, label.c_str()));
    }
}

void checkInts(const std::vector<int64_t>& actual, const json& expected, const char* what) {
    const auto want = expected.get<std::vector<int64_t>>();
    QVERIFY2(actual == want,
             qPrintable(QString("%1: got %2, expected %3")
                            .arg(what, qs(json(actual).dump()), qs(json(want).dump()))));
}

void checkString(const std::string& actual, const json& expected, const char* what) {
    QVERIFY2(actual == expected.get<std::string>(),
             qPrintable(QString("%1: got \"%2\", expected \"%3\"")
                            .arg(what, qs(actual), qs(expected.get<std::string>()))));
}

std::vector<std::string> strings(const json& list) { return list.get<std::vector<std::string>>(); }

hat::ReferenceStreams streamsOf(const json& references) {
    hat::ReferenceStreams streams;
    for (const json& stream : references) {
        std::vector<std::optional<std::string>> s;
        for (const json& ref : stream) {
            if (ref.is_null()) {
                s.emplace_back(std::nullopt);
            } else {
                s.emplace_back(ref.get<std::string>());
            }
        }
        streams.push_back(std::move(s));
    }
    return streams;
}

hat::BleuOptions bleuOptionsOf(const json& o) {
    hat::BleuOptions options;
    if (o.contains("tokenize")) options.tokenize = hat::parseBleuTokenizer(o["tokenize"]);
    options.lowercase = o.value("lowercase", false);
    options.smoothMethod = hat::parseBleuSmoothing(o["smooth_method"]);
    if (o.contains("smooth_value") && !o["smooth_value"].is_null())
        options.smoothValue = o["smooth_value"].get<double>();
    options.effectiveOrder = o.value("effective_order", false);
    options.maxNgramOrder = o.value("max_ngram_order", 4);
    return options;
}

hat::ChrfOptions chrfOptionsOf(const json& o) {
    hat::ChrfOptions options;
    options.charOrder = o["char_order"];
    options.wordOrder = o["word_order"];
    options.beta = o["beta"];
    options.lowercase = o["lowercase"];
    options.whitespace = o["whitespace"];
    options.epsSmoothing = o["eps_smoothing"];
    return options;
}

// The weaker assertion the sacreBLEU test suite itself makes, where the fixture records one.
void checkPinned(const json& c, double score, const std::vector<int64_t>* counts,
                 const std::vector<int64_t>* totals) {
    if (!c.contains("pinned")) return;
    const json& p = c["pinned"];
    const std::string compare = p["compare"];
    const double scale = p.value("scale", 1.0);
    if (compare == "abs") {
        CHECK(checkNear(score * scale, p["value"].get<double>(), p["tolerance"].get<double>(),
                        "pinned"));
    } else if (compare == "exact") {
        QCOMPARE(score * scale, p["value"].get<double>());
    } else if (compare == "format2") {
        char text[64];
        std::snprintf(text, sizeof text, "%.2f", score);
        CHECK(checkString(text, p["value"], "pinned format2"));
    } else if (compare == "counts") {
        QVERIFY(counts && totals);
        CHECK(checkInts(*counts, p["counts"], "pinned counts"));
        CHECK(checkInts(*totals, p["totals"], "pinned totals"));
    } else {
        QFAIL(qPrintable("unknown pinned comparison " + qs(compare)));
    }
}

void addCaseRows(const std::string& metric) {
    QTest::addColumn<int>("index");
    const json& cases = fixture()["cases"];
    for (size_t i = 0; i < cases.size(); ++i) {
        if (cases[i]["metric"] == metric) {
            const std::string id = cases[i]["id"];
            QTest::newRow(id.c_str()) << static_cast<int>(i);
        }
    }
}

void writeFile(const QString& path, const std::string& content) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << content;
}

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += line + "\n";
    return out;
}

}  // namespace

class TestBleu : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void fixtureIsComplete();

    void sacrebleuBleu_data() { addCaseRows("bleu"); }
    void sacrebleuBleu();
    void bleuFromStats_data() { addCaseRows("bleu_from_stats"); }
    void bleuFromStats();
    void chrf_data() { addCaseRows("chrf"); }
    void chrf();
    void multiBleuPerl_data() { addCaseRows("multi_bleu_perl"); }
    void multiBleuPerl();
    void fairseqBleu_data() { addCaseRows("fairseq_bleu"); }
    void fairseqBleu();
    void tokenizers_data();
    void tokenizers();
    void compoundSplit_data();
    void compoundSplit();

    void chrfTieKeepsFirstReference();
    void apiRejectsMismatchedCounts();
    void apiRejectsSegmentWithoutReference();
    void apiRejectsBadOptions();
    void filesMatchInMemory();
    void filesRejectMismatchedLineCounts();
    void filesRejectMissingFileAndBadUtf8();
    void fairseqWithCompoundSplitting();
};

void TestBleu::fixtureIsComplete() {
    // Every case must be picked up by exactly one data-driven test above.
    const json& f = fixture();
    QCOMPARE(f["cases"].size(), size_t(133));
    QCOMPARE(f["tokenizer_cases"].size(), size_t(31));
    QCOMPARE(f["compound_split_cases"].size(), size_t(12));
    const std::vector<std::string> known = {"bleu", "bleu_from_stats", "chrf", "multi_bleu_perl",
                                            "fairseq_bleu"};
    for (const json& c : f["cases"]) {
        const std::string metric = c["metric"];
        QVERIFY2(std::find(known.begin(), known.end(), metric) != known.end(),
                 qPrintable("unhandled metric " + qs(metric)));
    }
}

void TestBleu::sacrebleuBleu() {
    QFETCH(int, index);
    const json& c = caseAt(index);
    const json& e = c["expected"];
    const hat::BleuOptions options = bleuOptionsOf(c["options"]);
    std::vector<std::string> hyps = strings(c["hypotheses"]);
    const hat::ReferenceStreams refs = streamsOf(c["references"]);

    if (c["id"] == "c.bleu.mismatched_counts_api_truncates") {
        // sacreBLEU's API silently drops the extra hypothesis; we refuse, like its CLI. The
        // expected values then describe the truncated input.
        QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu(hyps, refs, options));
        hyps.resize(refs[0].size());
    }

    hat::BleuResult r;
    if (c["level"] == "sentence") {
        QCOMPARE(hyps.size(), size_t(1));
        std::vector<std::string> sentenceRefs;
        for (const auto& stream : refs) {
            if (stream[0]) sentenceRefs.push_back(*stream[0]);
        }
        r = hat::sentenceBleu(hyps[0], sentenceRefs, options);
    } else {
        r = hat::corpusBleu(hyps, refs, options);
    }

    CHECK(checkNear(r.score, e["score"], kScoreTolerance, "score"));
    CHECK(checkInts(r.counts, e["counts"], "counts"));
    CHECK(checkInts(r.totals, e["totals"], "totals"));
    QCOMPARE(r.sysLen, e["sys_len"].get<int64_t>());
    QCOMPARE(r.refLen, e["ref_len"].get<int64_t>());
    CHECK(checkNear(r.bp, e["bp"], kValueTolerance, "bp"));
    CHECK(checkDoubles(r.precisions, e["precisions"], kValueTolerance, "precisions"));
    const json& raw = e["raw_stats"];
    CHECK(checkInts(r.rawStats.correct, raw["correct"], "raw correct"));
    CHECK(checkInts(r.rawStats.total, raw["total"], "raw total"));
    QCOMPARE(r.rawStats.sysLen, raw["sys_len"].get<int64_t>());
    QCOMPARE(r.rawStats.refLen, raw["ref_len"].get<int64_t>());
    CHECK(checkString(r.formatted, e["formatted"], "formatted"));
    CHECK(checkString(r.signature, e["signature"], "signature"));
    CHECK(checkString(r.signatureShort, e["signature_short"], "signature_short"));

    // What the n-gram matcher saw (for the truncated case, the fixture lists all inputs).
    const auto tokHyps = strings(e["tokenized_hypotheses"]);
    for (size_t i = 0; i < tokHyps.size(); ++i) {
        CHECK(checkString(hat::preprocessBleuSegment(c["hypotheses"][i], options), tokHyps[i],
                          "tokenized hypothesis"));
    }
    const json& tokRefs = e["tokenized_references"];
    for (size_t k = 0; k < tokRefs.size(); ++k) {
        for (size_t i = 0; i < tokRefs[k].size(); ++i) {
            if (tokRefs[k][i].is_null()) {
                QVERIFY(c["references"][k][i].is_null());
                continue;
            }
            CHECK(checkString(hat::preprocessBleuSegment(c["references"][k][i], options),
                              tokRefs[k][i], "tokenized reference"));
        }
    }
    CHECK(checkPinned(c, r.score, &r.counts, &r.totals));
}

void TestBleu::bleuFromStats() {
    QFETCH(int, index);
    const json& c = caseAt(index);
    const json& e = c["expected"];
    const json& s = c["stats"];
    hat::BleuStats stats;
    stats.correct = s["correct"].get<std::vector<int64_t>>();
    stats.total = s["total"].get<std::vector<int64_t>>();
    stats.sysLen = s["sys_len"];
    stats.refLen = s["ref_len"];
    const hat::BleuResult r = hat::computeBleu(stats, bleuOptionsOf(c["options"]));
    CHECK(checkNear(r.score, e["score"], kScoreTolerance, "score"));
    CHECK(checkNear(r.bp, e["bp"], kValueTolerance, "bp"));
    CHECK(checkDoubles(r.precisions, e["precisions"], kValueTolerance, "precisions"));
    CHECK(checkPinned(c, r.score, &r.counts, &r.totals));
}

void TestBleu::chrf() {
    QFETCH(int, index);
    const json& c = caseAt(index);
    const json& e = c["expected"];
    const hat::ChrfOptions options = chrfOptionsOf(c["options"]);
    const std::vector<std::string> hyps = strings(c["hypotheses"]);
    const hat::ReferenceStreams refs = streamsOf(c["references"]);
    hat::ChrfResult r;
    if (c["level"] == "sentence") {
        QCOMPARE(hyps.size(), size_t(1));
        std::vector<std::string> sentenceRefs;
        for (const auto& stream : refs) {
            if (stream[0]) sentenceRefs.push_back(*stream[0]);
        }
        r = hat::sentenceChrf(hyps[0], sentenceRefs, options);
    } else {
        r = hat::corpusChrf(hyps, refs, options);
    }
    CHECK(checkNear(r.score, e["score"], kScoreTolerance, "score"));
    CHECK(checkString(r.formatted, e["formatted"], "formatted"));
    CHECK(checkString(r.signature, e["signature"], "signature"));
    CHECK(checkString(r.signatureShort, e["signature_short"], "signature_short"));
    const json& stats = e["stats"];
    QCOMPARE(r.stats.size(), stats.size());
    for (size_t k = 0; k < stats.size(); ++k) {
        const std::vector<int64_t> got = {r.stats[k].hypCount, r.stats[k].refCount,
                                          r.stats[k].matches};
        const std::string label = "stats[" + std::to_string(k) + "]";
        CHECK(checkInts(got, stats[k], label.c_str()));
    }
    CHECK(checkPinned(c, r.score, nullptr, nullptr));
}

void TestBleu::multiBleuPerl() {
    QFETCH(int, index);
    const json& c = caseAt(index);
    const json& e = c["expected"];
    const auto refs = c["references"].get<std::vector<std::vector<std::string>>>();
    const hat::MultiBleuResult r =
        hat::multiBleuPerl(strings(c["hypotheses"]), refs, c["options"]["lowercase"]);
    QCOMPARE(r.exitCode, e["exit_code"].get<int>());
    CHECK(checkString(r.formatted, e["formatted"], "formatted"));
    CHECK(checkNear(r.score, e["score"], kScoreTolerance, "score"));
    CHECK(checkDoubles(r.precisions, e["precisions"], kValueTolerance, "precisions"));
    CHECK(checkNear(r.bp, e["bp"], kValueTolerance, "bp"));
    CHECK(checkNear(r.ratio, e["ratio"], kValueTolerance, "ratio"));
    QCOMPARE(r.hypLen, e["hyp_len"].get<int64_t>());
    QCOMPARE(r.refLen, e["ref_len"].get<int64_t>());
    char twoDecimals[64];
    std::snprintf(twoDecimals, sizeof twoDecimals, "%.2f", r.score);
    QCOMPARE(std::stod(twoDecimals), e["score_2dp"].get<double>());

    // The same input through sacreBLEU with tokenize=none, smooth=none, where the fixture has it
    // (sacreBLEU's lowercasing is Unicode-aware, so the -lc cases have no equivalent).
    if (!c.contains("sacrebleu_equivalent")) return;
    const json& sb = c["sacrebleu_equivalent"];
    hat::BleuOptions options;
    options.tokenize = hat::BleuTokenizer::None;
    options.smoothMethod = hat::BleuSmoothing::None;
    const hat::BleuResult s =
        hat::corpusBleu(strings(c["hypotheses"]), streamsOf(c["references"]), options);
    CHECK(checkNear(s.score, sb["score"], kScoreTolerance, "sacrebleu score"));
    CHECK(checkInts(s.counts, sb["counts"], "sacrebleu counts"));
    CHECK(checkInts(s.totals, sb["totals"], "sacrebleu totals"));
    QCOMPARE(s.sysLen, sb["sys_len"].get<int64_t>());
    QCOMPARE(s.refLen, sb["ref_len"].get<int64_t>());
    const bool agrees = std::abs(s.score - r.score) < kScoreTolerance;
    QCOMPARE(agrees, sb["agrees"].get<bool>());
}

void TestBleu::fairseqBleu() {
    QFETCH(int, index);
    const json& c = caseAt(index);
    const json& e = c["expected"];
    const json& o = c["options"];
    QCOMPARE(o["pad"].get<int>(), 1);
    QCOMPARE(o["eos"].get<int>(), 2);
    QCOMPARE(o["unk"].get<int>(), 3);
    QCOMPARE(c["references"].size(), size_t(1));
    hat::FairseqBleuOptions options;
    options.ignoreCase = o["ignore_case"];
    options.order = o["order"];
    const hat::FairseqBleuResult r =
        hat::fairseqBleu(strings(c["hypotheses"]), strings(c["references"][0]), options);
    CHECK(checkNear(r.score, e["score"], kScoreTolerance, "score"));
    CHECK(checkDoubles(r.precisions, e["precisions"], kValueTolerance, "precisions"));
    CHECK(checkNear(r.bp, e["bp"], kValueTolerance, "bp"));
    QCOMPARE(r.sysLen, e["sys_len"].get<int64_t>());
    QCOMPARE(r.refLen, e["ref_len"].get<int64_t>());
    CHECK(checkInts(r.counts, e["counts"], "counts"));
    CHECK(checkInts(r.totals, e["totals"], "totals"));
    CHECK(checkString(r.formatted, e["formatted"], "formatted"));
}

void TestBleu::tokenizers_data() {
    QTest::addColumn<int>("index");
    const json& cases = fixture()["tokenizer_cases"];
    for (size_t i = 0; i < cases.size(); ++i) {
        QTest::addRow("%d: %s", static_cast<int>(i), cases[i]["input"].get<std::string>().c_str())
            << static_cast<int>(i);
    }
}

void TestBleu::tokenizers() {
    QFETCH(int, index);
    const json& t = fixture()["tokenizer_cases"][static_cast<size_t>(index)];
    const std::string input = t["input"];
    // Outputs are what BLEU's preprocessing gives: optional lower(), rstrip(), tokenizer.
    for (const auto& [name, expected] : t["expected"].items()) {
        hat::BleuOptions options;
        options.tokenize = hat::parseBleuTokenizer(name);
        const std::string label = "tokenizer " + name;
        CHECK(checkString(hat::preprocessBleuSegment(input, options), expected, label.c_str()));
        CHECK(checkString(hat::tokenizeBleu(hat::pythonRstrip(input), options.tokenize), expected,
                          label.c_str()));
    }
    for (const auto& [name, expected] : t["expected_lowercased"].items()) {
        hat::BleuOptions options;
        options.tokenize = hat::parseBleuTokenizer(name);
        options.lowercase = true;
        const std::string label = "lowercased tokenizer " + name;
        CHECK(checkString(hat::preprocessBleuSegment(input, options), expected, label.c_str()));
    }
    const auto split = hat::pythonSplit(input);
    const auto expectedSplit = strings(t["expected_split_none"]);
    QVERIFY2(split == expectedSplit, qPrintable("split: got " + qs(json(split).dump())));
    QCOMPARE(t["expected"].size() + t["expected_lowercased"].size(), size_t(7));
}

void TestBleu::compoundSplit_data() {
    QTest::addColumn<int>("index");
    const json& cases = fixture()["compound_split_cases"];
    for (size_t i = 0; i < cases.size(); ++i) {
        QTest::addRow("%d: %s", static_cast<int>(i), cases[i]["input"].get<std::string>().c_str())
            << static_cast<int>(i);
    }
}

void TestBleu::compoundSplit() {
    QFETCH(int, index);
    const json& t = fixture()["compound_split_cases"][static_cast<size_t>(index)];
    CHECK(checkString(hat::splitCompounds(t["input"]), t["expected"], "split"));
}

void TestBleu::chrfTieKeepsFirstReference() {
    // Both references score 0, but their statistics differ; a later reference replaces an
    // earlier one only when strictly better, so the first one's statistics are summed.
    const hat::ChrfResult r = hat::sentenceChrf("a", {"b", "cd"});
    QCOMPARE(r.score, 0.0);
    QCOMPARE(r.stats.size(), size_t(6));
    QCOMPARE(r.stats[0].hypCount, int64_t(1));
    QCOMPARE(r.stats[0].refCount, int64_t(1));
    QCOMPARE(r.stats[0].matches, int64_t(0));
    QCOMPARE(r.stats[1].refCount, int64_t(0));
}

void TestBleu::apiRejectsMismatchedCounts() {
    const std::vector<std::string> hyps = {"a b", "c d", "e f"};
    const hat::ReferenceStreams shortRefs = {{std::string("a b"), std::string("c d")}};
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu(hyps, shortRefs));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusChrf(hyps, shortRefs));
    // A second stream of the wrong length is as bad as the first.
    const hat::ReferenceStreams ragged = {
        {std::string("a b"), std::string("c d"), std::string("e f")}, {std::string("a b")}};
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu(hyps, ragged));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu(hyps, {}));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::multiBleuPerl(hyps, {{"a b", "c d"}}));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::fairseqBleu(hyps, {"a b", "c d"}));
}

void TestBleu::apiRejectsSegmentWithoutReference() {
    const hat::ReferenceStreams refs = {{std::string("a b"), std::nullopt}};
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu({"a b", "c d"}, refs));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusChrf({"a b", "c d"}, refs));
}

void TestBleu::apiRejectsBadOptions() {
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::parseBleuTokenizer("zh"));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::parseBleuSmoothing("add-one"));
    hat::BleuOptions options;
    options.maxNgramOrder = 0;
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu({"a"}, {{std::string("a")}}, options));
    options = {};
    options.smoothMethod = hat::BleuSmoothing::AddK;
    options.smoothValue = 0.5;
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusBleu({"a"}, {{std::string("a")}}, options));
    hat::ChrfOptions chrfOptions;
    chrfOptions.charOrder = 0;
    chrfOptions.wordOrder = 0;
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusChrf({"a"}, {{std::string("a")}}, chrfOptions));
    QVERIFY_THROWS_EXCEPTION(hat::Error, hat::pythonSplit("bad \xff byte"));
}

void TestBleu::filesMatchInMemory() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const json* found = nullptr;
    for (const json& c : fixture()["cases"]) {
        if (c["id"] == "sb.test_bleu.corpus.default") found = &c;
    }
    QVERIFY(found);
    const json& c = *found;
    const QString hyp = dir.filePath("hyp.txt");
    writeFile(hyp, joinLines(strings(c["hypotheses"])));
    std::vector<std::string> refPaths;
    for (size_t k = 0; k < c["references"].size(); ++k) {
        const QString path = dir.filePath(QString("ref%1.txt").arg(k));
        // The last file has no final newline; that must not change the line count.
        std::string content = joinLines(strings(c["references"][k]));
        if (k + 1 == c["references"].size()) content.pop_back();
        writeFile(path, content);
        refPaths.push_back(path.toStdString());
    }
    const hat::BleuResult bleu = hat::corpusBleuFiles(hyp.toStdString(), refPaths);
    CHECK(checkNear(bleu.score, c["expected"]["score"], kScoreTolerance, "file score"));
    CHECK(checkString(bleu.formatted, c["expected"]["formatted"], "file formatted"));
    CHECK(checkString(bleu.signature, c["expected"]["signature"], "file signature"));

    const hat::ChrfResult fromFiles = hat::corpusChrfFiles(hyp.toStdString(), refPaths);
    const hat::ChrfResult inMemory =
        hat::corpusChrf(strings(c["hypotheses"]), streamsOf(c["references"]));
    QCOMPARE(fromFiles.score, inMemory.score);
    QCOMPARE(qs(fromFiles.signature), qs(inMemory.signature));
}

void TestBleu::filesRejectMismatchedLineCounts() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString hyp = dir.filePath("hyp.txt");
    const QString ref = dir.filePath("ref.txt");
    const QString ref2 = dir.filePath("ref2.txt");
    writeFile(hyp, "a b c\nd e f\ng h i\n");
    writeFile(ref, "a b c\nd e f\n");
    writeFile(ref2, "a b c\nd e f\ng h i\n");
    for (const auto& refs : {std::vector<std::string>{ref.toStdString()},
                             std::vector<std::string>{ref2.toStdString(), ref.toStdString()}}) {
        try {
            hat::corpusBleuFiles(hyp.toStdString(), refs);
            QFAIL("BLEU accepted files with different line counts");
        } catch (const hat::Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.rfind(ref.toStdString() + ": ", 0) == 0, e.what());
            QVERIFY2(message.find("2 lines") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(hat::Error, hat::corpusChrfFiles(hyp.toStdString(), refs));
    }
    // An empty hypothesis file against a one-line reference is also a mismatch.
    const QString empty = dir.filePath("empty.txt");
    writeFile(empty, "");
    QVERIFY_THROWS_EXCEPTION(hat::Error,
                             hat::corpusBleuFiles(empty.toStdString(), {ref.toStdString()}));
}

void TestBleu::filesRejectMissingFileAndBadUtf8() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("missing.txt").toStdString();
    const QString ok = dir.filePath("ok.txt");
    writeFile(ok, "a b\n");
    try {
        hat::corpusBleuFiles(missing, {ok.toStdString()});
        QFAIL("missing hypothesis file accepted");
    } catch (const hat::Error& e) {
        QVERIFY2(std::string(e.what()).rfind(missing + ": ", 0) == 0, e.what());
    }
    const QString bad = dir.filePath("bad.txt");
    writeFile(bad, "a \xc3\x28 b\n");
    try {
        hat::corpusBleuFiles(ok.toStdString(), {bad.toStdString()});
        QFAIL("invalid UTF-8 accepted");
    } catch (const hat::Error& e) {
        const std::string message = e.what();
        QVERIFY2(message.rfind(bad.toStdString() + ": line 1", 0) == 0, e.what());
    }
}

void TestBleu::fairseqWithCompoundSplitting() {
    // HAT's pipeline: split compounds on both sides, then score.py. Splitting turns one token
    // "benutzer-freundliche" into three, so it changes the score.
    hat::FairseqBleuOptions options;
    options.splitCompounds = true;
    const hat::FairseqBleuResult r =
        hat::fairseqBleu({"die benutzer-freundliche Oberfläche ist gut ."},
                         {"die benutzer-freundliche Oberfläche ist sehr gut ."}, options);
    // Identical to the fixture case that was split beforehand (fs.german_compound_split).
    QCOMPARE(qs(r.formatted),
             QString("BLEU4 = 67.53, 100.0/85.7/66.7/60.0 (BP=0.882, ratio=0.889, syslen=8, "
                     "reflen=9)"));
    QCOMPARE(r.sysLen, int64_t(8));
}

QTEST_APPLESS_MAIN(TestBleu)
#include "test_bleu.moc"
