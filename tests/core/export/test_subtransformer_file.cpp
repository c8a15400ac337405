// Exported SubTransformer files: HAT's YAML behind a comment header, JSON with an "export" object,
// HAT's file names, and writes that never leave half a file.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/export/subtransformer_file.h"
#include "core/space/design_space.h"
#include "core/space/subconfig_io.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;
namespace fs = std::filesystem;

namespace {
SubConfig someConfig(const DesignSpace& space) {
    SubConfig c = SubConfig::largest(space);
    c.decoderEmbedDim = 512;
    c.decoderLayerNum = 3;
    c.encoderFfnDim = {3072, 2048, 1024, 3072, 2048, 1024};
    c.encoderSelfHeads = {8, 4, 8, 4, 8, 4};
    c.decoderFfnDim = {2048, 1024, 3072, 3072, 3072, 3072};
    c.decoderSelfHeads = {4, 8, 4, 8, 8, 8};
    c.decoderEndeHeads = {8, 4, 4, 8, 8, 8};
    c.decoderArbitraryEndeAttn = {-1, 1, 2, -1, -1, -1};
    return c;
}

SubTransformerExportInfo fullInfo() {
    SubTransformerExportInfo e;
    e.device = "hat/wmt14ende_cpu_raspberrypi";
    e.latencyMs = 4100.04;
    e.latencyUpperMs = 4352.06;
    e.validLoss = 5.44903;
    e.bleu = 28.1;
    e.supernet = "checkpoint_last.pt";
    e.widthDivisor = 8;
    e.date = "2024-05-01";
    return e;
}

std::vector<std::string> commentLines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string l;
    while (std::getline(ss, l)) {
        if (l.rfind("#", 0) == 0) out.push_back(l);
    }
    return out;
}

bool hasLine(const std::vector<std::string>& lines, const std::string& want) {
    return std::find(lines.begin(), lines.end(), want) != lines.end();
}
}  // namespace

class TestSubTransformerFile : public QObject {
    Q_OBJECT
private:
    DesignSpace space = DesignSpace::loadYaml(sourcePath("data/spaces/space0.yml"));

private Q_SLOTS:
    void yamlRoundTripsAndHeaderCarriesTheValues() {
        const SubConfig c = someConfig(space);
        const std::string text = subTransformerYaml(c, fullInfo());
        QVERIFY(parseSubConfigYaml(text, "export.yml", &space).sameArchitecture(c));
        // The body is byte for byte what HAT's own writer form gives.
        const std::string body = subConfigToYaml(c);
        QVERIFY(text.size() > body.size());
        QCOMPARE(text.substr(text.size() - body.size()), body);
        const auto h = commentLines(text);
        QCOMPARE(int(h.size()), 9);
        QVERIFY(hasLine(h, "# device: hat/wmt14ende_cpu_raspberrypi"));
        QVERIFY(hasLine(h, "# predicted latency: 4100.0 ms"));
        QVERIFY(hasLine(h, "# predicted latency, 90% upper end: 4352.1 ms"));
        QVERIFY(hasLine(h, "# validation loss: 5.4490"));
        QVERIFY(hasLine(h, "# BLEU: 28.10"));
        QVERIFY(hasLine(h, "# SuperTransformer: checkpoint_last.pt"));
        QVERIFY(hasLine(h, "# quality from a 1/8-width proxy SuperTransformer; latency predicted at full size"));
        QVERIFY(hasLine(h, "# date: 2024-05-01"));
    }

    void unsetFieldsAreLeftOut() {
        SubTransformerExportInfo e;
        e.device = "local/1t";
        const std::string text = subTransformerYaml(SubConfig::smallest(space), e);
        QVERIFY(parseSubConfigYaml(text, "x.yml", &space).sameArchitecture(SubConfig::smallest(space)));
        const auto h = commentLines(text);
        QCOMPARE(int(h.size()), 3);  // title, device, date
        for (const auto& l : h) {
            QVERIFY2(l.find("latency") == std::string::npos && l.find("loss") == std::string::npos &&
                         l.find("BLEU") == std::string::npos && l.find("proxy") == std::string::npos &&
                         l.find("SuperTransformer:") == std::string::npos,
                     l.c_str());
        }
        QVERIFY(std::regex_match(h.back(), std::regex("# date: \\d{4}-\\d{2}-\\d{2}")));
    }

    void aNewlineInANameCannotEndTheHeader() {
        SubTransformerExportInfo e;
        e.device = "evil\nencoder-embed-dim-subtransformer: 512";
        const SubConfig c = SubConfig::largest(space);
        QVERIFY(parseSubConfigYaml(subTransformerYaml(c, e), "x.yml", &space).sameArchitecture(c));
    }

    void jsonParsesAndCarriesTheExportObject() {
        const SubConfig c = someConfig(space);
        const std::string text = subTransformerJson(c, fullInfo());
        QVERIFY(parseSubConfigJson(text, "export.json", &space).sameArchitecture(c));
        const auto j = nlohmann::json::parse(text);
        const auto& e = j["export"];
        QCOMPARE(e["device"].get<std::string>(), std::string("hat/wmt14ende_cpu_raspberrypi"));
        QCOMPARE(e["latency_ms"].get<double>(), 4100.04);
        QCOMPARE(e["latency_upper_ms"].get<double>(), 4352.06);
        QCOMPARE(e["valid_loss"].get<double>(), 5.44903);
        QCOMPARE(e["bleu"].get<double>(), 28.1);
        QCOMPARE(e["supernet"].get<std::string>(), std::string("checkpoint_last.pt"));
        QCOMPARE(e["width_divisor"].get<int>(), 8);
        QVERIFY(e.contains("quality_note"));
        QCOMPARE(e["date"].get<std::string>(), std::string("2024-05-01"));
        // Lists cut to the layer count, as in the YAML.
        QCOMPARE(j["decoder"]["decoder_ffn_embed_dim"].size(), size_t(3));

        SubTransformerExportInfo bare;
        bare.date = "2024-01-02";
        const auto b = nlohmann::json::parse(subTransformerJson(c, bare))["export"];
        QCOMPARE(b.size(), size_t(2));  // width_divisor and date only
        QVERIFY(!b.contains("quality_note"));
    }

    void namesFilesTheWayHatDoes() {
        SubTransformerExportInfo pi;
        pi.device = "hat/wmt14ende_cpu_raspberrypi";
        pi.latencyMs = 4100.0;
        pi.validLoss = 5.449;
        QCOMPARE(hatFileName("wmt14ende", pi, "yml"), std::string("HAT_wmt14ende_raspberrypi@4.1s_loss@5.45.yml"));
        SubTransformerExportInfo gpu;
        gpu.device = "hat/wmt14ende_gpu_titanxp";
        gpu.latencyMs = 126.04;
        gpu.validLoss = 4.2;
        gpu.bleu = 28.1;
        QCOMPARE(hatFileName("wmt14ende", gpu, "yml"), std::string("HAT_wmt14ende_titanxp@126.0ms_bleu@28.10.yml"));
        QCOMPARE(hatFileName("wmt14.en-de", gpu, ".json"), std::string("HAT_wmt14ende_titanxp@126.0ms_bleu@28.10.json"));

        SubTransformerExportInfo local;
        local.device = "local/1t";
        local.latencyMs = 999.96;  // rounds to 1000.0 ms: seconds
        QCOMPARE(hatFileName("space0", local, "yml"), std::string("HAT_space0_local1t@1.0s.yml"));
        local.latencyMs = 999.94;
        QCOMPARE(hatFileName("space0", local, "yml"), std::string("HAT_space0_local1t@999.9ms.yml"));

        SubTransformerExportInfo odd;
        odd.device = "my box/../x:y";
        odd.validLoss = 3.0;
        const std::string n = hatFileName("a/b c", odd, "y ml");
        QCOMPARE(n, std::string("HAT_abc_myboxxy_loss@3.00.yml"));
        QVERIFY(std::regex_match(n, std::regex("[A-Za-z0-9._@-]+")));
    }

    void writesAtomically() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("arch.yml").toStdString();
        writeFileAtomically(path, "first\n");
        QCOMPARE(readText(path), std::string("first\n"));
        writeFileAtomically(path, "second\n");
        QCOMPARE(readText(path), std::string("second\n"));
        int files = 0;
        for (const auto& entry : fs::directory_iterator(dir.path().toStdString())) {
            ++files;
            QCOMPARE(entry.path().filename().string(), std::string("arch.yml"));
        }
        QCOMPARE(files, 1);  // no temporary left behind

        const std::string missing = dir.filePath("no/such/dir/arch.yml").toStdString();
        const std::string err = errorOf([&] { writeFileAtomically(missing, "x"); });
        QVERIFY2(err.find(missing) != std::string::npos, err.c_str());
        QVERIFY2(err.find("No such file or directory") != std::string::npos, err.c_str());
        QVERIFY(!fs::exists(dir.filePath("no").toStdString()));

        // A directory in the way: the rename fails, the temporary is removed.
        const std::string taken = dir.filePath("taken").toStdString();
        fs::create_directories(taken + "/inside");
        QVERIFY(!errorOf([&] { writeFileAtomically(taken, "x"); }).empty());
        files = 0;
        for (const auto& entry : fs::directory_iterator(dir.path().toStdString())) {
            (void)entry;
            ++files;
        }
        QCOMPARE(files, 2);  // arch.yml and taken/
    }
};

QTEST_APPLESS_MAIN(TestSubTransformerFile)
#include "test_subtransformer_file.moc"
