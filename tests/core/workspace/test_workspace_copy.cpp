// copyWorkspace: the copy opens elsewhere with every stored path still naming the same file, its
// evaluations and predictions are the original's, and the source is not written at all.
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

#include "core/workspace/workspace.h"
#include "core/workspace/workspace_copy.h"
#include "core/space/gene.h"
#include "core/space/sub_config.h"
#include "support/file_fingerprint.h"
#include "support/fixtures.h"
#include "support/tiny_supernet.h"
#include "support/tiny_workspace.h"

using namespace hat;
using namespace hat::test;

namespace {
const char* kDevice = "hat/wmt14ende_cpu_raspberrypi";
}  // namespace

class TestWorkspaceCopy : public QObject {
    Q_OBJECT
  private:
    QTemporaryDir dir;
    std::string ws;

  private Q_SLOTS:
    void initTestCase() {
        const TinySupernet t = makeTinySupernet(dir.path().toStdString(), 40, 5);
        WorkspaceInit in = tinyWorkspaceInit(t, dir.filePath("checkout/data/demo/workspace").toStdString());
        in.deviceIds = {kDevice};
        in.predictorOverrides[kDevice] =
            sourcePath("data/latency/hat/wmt14ende_cpu_raspberrypi.pt");
        Workspace::init(in);
        ws = in.dir;
        // Something evaluated and searched, as in the shipped demo.
        Workspace w = Workspace::open(ws);
        const DesignSpace space = w.space();
        const double lo = w.latency(kDevice, configToGene(SubConfig::smallest(space), space)).ms;
        const double hi = w.latency(kDevice, configToGene(SubConfig::largest(space), space)).ms;
        EvolutionSettings s;
        s.population = 4;
        s.parents = 2;
        s.mutations = 1;
        s.crossovers = 1;
        s.generations = 0;
        s.maxLatencyMs = 0.5 * (lo + hi);
        QVERIFY(w.search(kDevice, s, false).computed > 0);
    }

    void copyWorksElsewhereAndLeavesTheSourceAlone() {
        const QString source = QString::fromStdString(ws);
        const auto before = fingerprint(QFileInfo(source).path());
        // Deeper than the source and under a name with a space, as ~/.local/share/HAT Explorer/...
        const std::string copy =
            dir.filePath("home/user/.local/share/HAT Explorer/hat-explorer/demo-workspace")
                .toStdString();
        copyWorkspace(ws, copy);
        QCOMPARE(fingerprint(QFileInfo(source).path()), before);
        QVERIFY(!QFileInfo::exists(source + "/workspace.db-wal"));

        Workspace a = Workspace::open(ws), b = Workspace::open(copy);
        QVERIFY(std::filesystem::equivalent(a.checkpointPath(), b.checkpointPath()));
        QCOMPARE(b.devices().size(), size_t(1));
        QVERIFY(b.devices()[0].predictorPath != a.devices()[0].predictorPath);  // rebased
        const auto pa = a.evaluatedPoints(kDevice), pb = b.evaluatedPoints(kDevice);
        QVERIFY(!pa.empty());
        QCOMPARE(pb.size(), pa.size());
        for (size_t i = 0; i < pa.size(); ++i) {
            QCOMPARE(pb[i].gene, pa[i].gene);
            QCOMPARE(pb[i].validLoss, pa[i].validLoss);
            QCOMPARE(pb[i].latencyMs, pa[i].latencyMs);  // the predictor loads from its new path
        }
        // The copy's SuperTransformer and fitness set load: a search continues there.
        QVERIFY(b.fitness().fitness({pa[0].gene}, nullptr)[0] == pa[0].validLoss);

        QVERIFY(errorOf([&] { copyWorkspace(ws, copy); }).find("a workspace already exists here") !=
                std::string::npos);
        QVERIFY(errorOf([&] {
                    copyWorkspace(dir.filePath("nothing").toStdString(),
                                  dir.filePath("x").toStdString());
                }).find("no such workspace database") != std::string::npos);
    }

    void aMovedWorkspaceFindsItsSuperTransformerByChecksum() {
        // Moved by hand (the file copied, nothing rebased): its relative paths point nowhere.
        const std::string moved = dir.filePath("elsewhere/deeper/ws").toStdString();
        std::filesystem::create_directories(moved);
        std::filesystem::copy_file(ws + "/workspace.db", moved + "/workspace.db");
        Workspace original = Workspace::open(ws), w = Workspace::open(moved);
        const std::string found = w.checkpointPath();
        QVERIFY2(std::filesystem::equivalent(found, original.checkpointPath()), found.c_str());
        // Remembered: a second open finds it at once.
        QVERIFY(std::filesystem::equivalent(Workspace::open(moved).checkpointPath(), found));
        // A different file under the same name beside it is not taken.
        const std::string decoy = dir.filePath("other/ws").toStdString();
        std::filesystem::create_directories(decoy);
        std::filesystem::copy_file(ws + "/workspace.db", decoy + "/workspace.db");
        const std::string name = std::filesystem::path(found).filename().string();
        {
            std::ofstream(dir.filePath("other/" + QString::fromStdString(name)).toStdString())
                << "not it";
        }
        std::filesystem::rename(found, found + ".away");
        const std::string missing = Workspace::open(decoy).checkpointPath();
        std::filesystem::rename(found + ".away", found);
        // Neither the record's place (moved away) nor the decoy beside it: the path it expected.
        QVERIFY2(!std::filesystem::exists(missing), missing.c_str());
        // Pointed at by hand: the decoy is refused naming it, the real file taken.
        Workspace d = Workspace::open(decoy);
        const std::string wrong = dir.filePath("other/" + QString::fromStdString(name)).toStdString();
        QVERIFY(errorOf([&] { d.relocateCheckpoint(wrong); }).find("checksum differs") != std::string::npos);
        d.relocateCheckpoint(found);
        QVERIFY(std::filesystem::equivalent(Workspace::open(decoy).checkpointPath(), found));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceCopy)
#include "test_workspace_copy.moc"
