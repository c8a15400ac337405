// tools/check_layering.cmake, the configure-time check of the code's floors: the real tree
// passes, and each kind of violation, planted in a small tree of its own, fails naming the file.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Check {
    int exitCode = -1;
    QString output;
};

Check runCheck(const QString& sourceDir) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(HAT_CMAKE_COMMAND),
            {"-DSOURCE_DIR=" + sourceDir, "-P", QStringLiteral(HAT_SOURCE_DIR "/tools/check_layering.cmake")});
    if (!p.waitForFinished(60000)) return {};
    return {p.exitCode(), QString::fromUtf8(p.readAll())};
}

void write(const QString& root, const QString& relative, const QByteArray& text) {
    const QString path = root + "/" + relative;
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestLayering : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void theSourceTreeKeepsItsFloors() {
        const Check c = runCheck(QStringLiteral(HAT_SOURCE_DIR));
        QVERIFY2(c.exitCode == 0, qPrintable(c.output));
        QVERIFY(c.output.contains("keeps its floors"));
    }

    void eachViolationFailsNamingItsFile_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("search includes the workspace facade")
            << "core/search/ranking.h" << QByteArray("#include \"core/workspace/workspace.h\"\n")
            << "core/search/ranking.h includes core/workspace: core/search may include only search space util";
        QTest::newRow("store includes the workspace facade")
            << "core/store/cache.cpp" << QByteArray("#include <vector>\n#include \"core/workspace/workspace.h\"\n")
            << "core/store/cache.cpp includes core/workspace";
        QTest::newRow("a base floor includes torch")
            << "core/space/fast.cpp" << QByteArray("#include <torch/torch.h>\n")
            << "core/space/fast.cpp includes a torch header";
        QTest::newRow("core includes Qt")
            << "core/util/log.h" << QByteArray("#include <QString>\n") << "core/util/log.h includes a Qt header";
        QTest::newRow("ui includes torch")
            << "ui/fast_view.cpp" << QByteArray("#include <ATen/ATen.h>\n")
            << "ui/fast_view.cpp includes a torch header";
        QTest::newRow("ui includes a core header that includes torch")
            << "ui/model_view.cpp" << QByteArray("#include \"core/model/super_transformer.h\"\n")
            << "ui/model_view.cpp includes core/model/super_transformer.h, which includes torch";
    }
    void eachViolationFailsNamingItsFile() {
        QFETCH(QString, file);
        QFETCH(QByteArray, text);
        QFETCH(QString, says);
        QTemporaryDir tree;
        // A small tree that keeps its floors...
        write(tree.path(), "core/model/super_transformer.h", "#pragma once\n#include <torch/torch.h>\n");
        write(tree.path(), "core/workspace/workspace.h",
              "#pragma once\n#include \"core/model/super_transformer.h\"\n#include \"core/store/workspace_db.h\"\n");
        write(tree.path(), "core/store/workspace_db.h", "#pragma once\n#include \"core/search/evolution.h\"\n");
        write(tree.path(), "core/search/evolution.h", "#pragma once\n#include \"core/space/gene.h\"\n");
        write(tree.path(), "ui/main_window.cpp", "#include <QMainWindow>\n#include \"core/workspace/workspace.h\"\n");
        const Check clean = runCheck(tree.path());
        QVERIFY2(clean.exitCode == 0, qPrintable(clean.output));
        // ... and with the violation planted.
        write(tree.path(), file, text);
        const Check c = runCheck(tree.path());
        QVERIFY2(c.exitCode != 0, qPrintable(c.output));
        QVERIFY2(c.output.simplified().contains(says), qPrintable(c.output));
    }
};

QTEST_GUILESS_MAIN(TestLayering)
#include "test_layering.moc"
