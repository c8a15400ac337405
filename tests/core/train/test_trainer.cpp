// Training: a run stopped and resumed ends with exactly the weights of an uninterrupted run;
// the loss goes down; the schedule is warm-up then cosine.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <csignal>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "core/model/checkpoint.h"
#include "core/train/trainer.h"
#include "core/train/training_record.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
struct CancelAfter : TrainObserver {
    CancelToken* token;
    int64_t at;
    std::vector<double> losses;
    CancelAfter(CancelToken* t, int64_t a) : token(t), at(a) {}
    void onProgress(const SupernetTrainProgress& p) override {
        losses.push_back(p.trainLoss);
        if (p.update == at) token->cancel();
    }
};
// While alive, this process may not write a file past `bytes` (RLIMIT_FSIZE, with SIGXFSZ
// ignored so the write fails with EFBIG as on a full disk); the old limit comes back after.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &old_);
        oldHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit r = old_;
        r.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, oldHandler_);
    }

private:
    rlimit old_{};
    void (*oldHandler_)(int) = nullptr;
};

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    TrainOptions base;

private Q_SLOTS:
    void initTestCase() {
        // A small pre-split corpus (whitespace symbols), as HAT users bring with a dict.txt.
        const std::string corpus = dir.filePath("corpus").toStdString();
        std::filesystem::create_directories(corpus);
        auto en = readLines(sourcePath("data/corpus/en-de/valid.en.gz"));
        auto de = readLines(sourcePath("data/corpus/en-de/valid.de.gz"));
        en.resize(80);
        de.resize(80);
        std::vector<std::vector<std::string>> words;
        for (const char* split : {"train", "valid"}) {
            std::ofstream se(corpus + "/" + split + ".en"), sd(corpus + "/" + split + ".de");
            for (size_t i = 0; i < en.size(); ++i) {
                se << en[i] << "\n";
                sd << de[i] << "\n";
            }
        }
        for (const auto& l : en) words.push_back(splitWhitespace(l));
        for (const auto& l : de) words.push_back(splitWhitespace(l));
        Dictionary::build(words).saveFairseq(corpus + "/dict.txt");
        base.corpusDir = corpus;
        base.dictionary = corpus + "/dict.txt";
        base.space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));
        base.widthDivisor = 16;
        base.maxUpdates = 8;
        base.maxTokens = 400;
        base.warmupUpdates = 2;
        base.validateEvery = 4;
        base.checkpointEvery = 100;
        base.dropout = 0.1;  // exercises the saved dropout RNG
        base.attentionDropout = 0.1;
        base.threads = 1;
    }
    void runIsDeterministic() {
        TrainOptions a = base, b = base;
        a.outDir = dir.filePath("det1").toStdString();
        b.outDir = dir.filePath("det2").toStdString();
        a.maxUpdates = b.maxUpdates = 3;
        trainSuperTransformer(a);
        trainSuperTransformer(b);
        const TensorDict wa = loadTensorDict(a.outDir + "/checkpoint_last.pt");
        const TensorDict wb = loadTensorDict(b.outDir + "/checkpoint_last.pt");
        for (const auto& [name, t] : wa) QVERIFY2(torch::equal(t, wb.at(name)), name.c_str());
    }
    void resumeIsExact() {
        TrainOptions a = base;
        a.outDir = dir.filePath("a").toStdString();
        const TrainResult ra = trainSuperTransformer(a);
        QCOMPARE(ra.updates, int64_t(8));

        TrainOptions b = base;
        b.outDir = dir.filePath("b").toStdString();
        CancelToken token;
        CancelAfter stop(&token, 3);
        const TrainResult first = trainSuperTransformer(b, &stop, &token);
        QVERIFY(first.cancelled);
        QCOMPARE(first.updates, int64_t(3));
        // As if the process had been killed after logging update 5 but before its checkpoint.
        { std::ofstream(b.outDir + "/train_log.jsonl", std::ios::app) << R"({"update":5,"train_loss":99.0})" << "\n"; }
        const TrainResult second = trainSuperTransformer(b);
        QCOMPARE(second.updates, int64_t(8));

        const TensorDict wa = loadTensorDict(a.outDir + "/checkpoint_last.pt");
        const TensorDict wb = loadTensorDict(b.outDir + "/checkpoint_last.pt");
        for (const auto& [name, t] : wa) {
            if (name.rfind("hat_explorer.", 0) == 0) continue;
            QVERIFY2(torch::equal(t, wb.at(name)), (name + " " + std::to_string((t - wb.at(name)).abs().max().item<double>())).c_str());
        }
        QCOMPARE(ra.lastValidation.largestLoss, second.lastValidation.largestLoss);
        // The resumed log dropped the line past the checkpoint and reads as one run.
        const std::string logText = hat::test::readText(b.outDir + "/train_log.jsonl");
        QVERIFY(logText.find("99.0") == std::string::npos);
        QCOMPARE(logText, hat::test::readText(a.outDir + "/train_log.jsonl"));
    }
    void sandwichRuleResumesExactlyAndLearns() {
        // Three forward/backward passes per update draw three times from the dropout RNG; a
        // resumed run must still match an uninterrupted one.
        TrainOptions a = base;
        a.sampling = TrainOptions::Sampling::Sandwich;
        a.maxUpdates = 5;
        a.outDir = dir.filePath("sandwich_a").toStdString();
        const TrainResult ra = trainSuperTransformer(a);
        TrainOptions b = a;
        b.outDir = dir.filePath("sandwich_b").toStdString();
        CancelToken token;
        CancelAfter stop(&token, 2);
        QVERIFY(trainSuperTransformer(b, &stop, &token).cancelled);
        const TrainResult rb = trainSuperTransformer(b);
        QCOMPARE(rb.updates, int64_t(5));
        QCOMPARE(ra.lastValidation.largestLoss, rb.lastValidation.largestLoss);
        QCOMPARE(ra.lastValidation.smallestLoss, rb.lastValidation.smallestLoss);
        // It is not HAT's rule: the same seed and data end elsewhere.
        TrainOptions h = a;
        h.sampling = TrainOptions::Sampling::Hat;
        h.outDir = dir.filePath("sandwich_hat").toStdString();
        QVERIFY(trainSuperTransformer(h).lastValidation.largestLoss != ra.lastValidation.largestLoss);

        QVERIFY(parseSampling("sandwich") == TrainOptions::Sampling::Sandwich);
        QCOMPARE(samplingName(parseSampling("largest")), std::string("largest"));
        QVERIFY(errorOf([] { parseSampling("everything"); }).find("expected hat, largest or sandwich") != std::string::npos);
    }
    void lossGoesDown() {
        TrainOptions o = base;
        o.outDir = dir.filePath("c").toStdString();
        o.maxUpdates = 40;
        o.validateEvery = 1000;
        o.peakLr = 3e-3;
        const TrainResult r = trainSuperTransformer(o);
        // Same corpus for train and valid: 40 updates must beat the untrained model clearly.
        TrainOptions fresh = base;
        fresh.outDir = dir.filePath("d").toStdString();
        fresh.maxUpdates = 1;
        fresh.peakLr = 1e-9;
        const TrainResult r0 = trainSuperTransformer(fresh);
        QVERIFY2(r.lastValidation.largestLoss < r0.lastValidation.largestLoss - 1.0,
                 (std::to_string(r.lastValidation.largestLoss) + " vs " + std::to_string(r0.lastValidation.largestLoss)).c_str());
        QVERIFY(r.lastValidation.smallestLoss < r0.lastValidation.smallestLoss - 1.0);
    }
    void schedule() {
        TrainOptions o;
        o.peakLr = 1e-3;
        o.warmupUpdates = 100;
        o.maxUpdates = 1100;
        o.minLrRatio = 0.1;
        QCOMPARE(learningRate(o, 50), 5e-4);
        QCOMPARE(learningRate(o, 100), 1e-3);
        QVERIFY(std::abs(learningRate(o, 600) - 1e-3 * (0.1 + 0.9 * 0.5)) < 1e-12);
        QVERIFY(std::abs(learningRate(o, 1100) - 1e-4) < 1e-12);
    }
    void badInput() {
        TrainOptions o = base;
        o.outDir = dir.filePath("e").toStdString();
        o.corpusDir = dir.filePath("nowhere").toStdString();
        QVERIFY(errorOf([&] { trainSuperTransformer(o); }).find("cannot open file") != std::string::npos);
        // A checkpoint from another divisor is refused on resume.
        TrainOptions other = base;
        other.outDir = dir.filePath("a").toStdString();
        other.widthDivisor = 8;
        QVERIFY(errorOf([&] { trainSuperTransformer(other); }).find("another space, divisor or dictionary") != std::string::npos);
    }

    // A kill mid-write leaves an unfinished last log line: the next run writes over it, and a
    // resume trims whole lines only, so every line of the log is whole JSON.
    void anUnfinishedLogLineIsReplaced() {
        TrainOptions o = base;
        o.outDir = dir.filePath("torn").toStdString();
        std::filesystem::create_directories(o.outDir);
        const std::string logPath = o.outDir + "/train_log.jsonl";
        const std::string whole = "{\"update\":0,\"note\":\"whole\"}\n";
        { std::ofstream(logPath, std::ios::binary) << whole << "{\"upd"; }
        trainSuperTransformer(o);
        const std::string log = readAll(logPath);
        QVERIFY(log.rfind(whole, 0) == 0);
        QVERIFY(!log.empty() && log.back() == '\n');
        int lines = 0;
        for (size_t start = 0, end; (end = log.find('\n', start)) != std::string::npos; start = end + 1, ++lines) {
            const std::string line = log.substr(start, end - start);
            QVERIFY2(!nlohmann::json::parse(line, nullptr, false).is_discarded(), line.c_str());
        }
        QVERIFY(lines >= 3);  // the old line and the validations at updates 4 and 8
    }

    // A disk that fills up (issue 15): the write that fails is hat::Error naming its file, and
    // what the file held before is still there, byte for byte.
    void aFullDiskNamesTheFileAndKeepsItWhole() {
        TrainOptions o = base;
        o.outDir = dir.filePath("full").toStdString();
        std::filesystem::create_directories(o.outDir);
        const std::string logPath = o.outDir + "/train_log.jsonl";
        std::string earlier;
        while (earlier.size() < 8192) earlier += R"({"update":0,"note":"an earlier run's line"})" "\n";
        { std::ofstream(logPath, std::ios::binary) << earlier; }
        writeTrainingRecord(o);
        const std::string recordPath = o.outDir + "/train_options.json";
        const std::string record = readAll(recordPath);

        // Files may not grow past 4 KiB: the log's next line (at 8 KiB) cannot be written.
        const FileSizeLimit limit(4096);
        const std::string logError = errorOf([&] { trainSuperTransformer(o); });
        QVERIFY2(logError.rfind(logPath + ": ", 0) == 0, logError.c_str());
        QCOMPARE(readAll(logPath), earlier);

        // Nor a new training record of about 600 bytes under a 100-byte limit.
        const FileSizeLimit tighter(100);
        o.maxUpdates = 9;
        const std::string recordError = errorOf([&] { writeTrainingRecord(o); });
        QVERIFY2(recordError.rfind(recordPath + ": ", 0) == 0, recordError.c_str());
        QCOMPARE(readAll(recordPath), record);
        for (const auto& e : std::filesystem::directory_iterator(o.outDir)) {
            QVERIFY2(e.path().filename().string().find(".tmp") == std::string::npos, e.path().c_str());  // none left
        }
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "test_trainer.moc"
