// ArchitectureView: which encoder layers each decoder layer attends to, and that it paints.
#include <QtTest>

#include "support/fixtures.h"
#include "ui/architecture_view.h"

using namespace hat;
using namespace hat::ui;

class TestArchitectureView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void arbitraryAttention() {
        SubConfig c;
        c.encoderLayerNum = 6;
        c.decoderLayerNum = 3;
        c.decoderArbitraryEndeAttn = {-1, 1, 2};
        QCOMPARE(ArchitectureView::attendedEncoderLayers(c, 0), std::vector<int>({5}));
        QCOMPARE(ArchitectureView::attendedEncoderLayers(c, 1), std::vector<int>({4, 5}));
        QCOMPARE(ArchitectureView::attendedEncoderLayers(c, 2), std::vector<int>({3, 4, 5}));
        c.encoderLayerNum = 2;  // never beyond the encoder's depth
        QCOMPARE(ArchitectureView::attendedEncoderLayers(c, 2), std::vector<int>({0, 1}));
    }

    void paintsAConfig() {
        const DesignSpace space = DesignSpace::loadYaml(test::sourcePath("data/spaces/space0.yml"));
        SubConfig c = SubConfig::largest(space);
        c.decoderLayerNum = 3;
        c.decoderArbitraryEndeAttn = {-1, 1, 2, -1, -1, -1};
        ArchitectureView v;
        v.resize(460, 560);
        v.setConfig(c, QString::fromStdString(c.trimmed().summary()));
        QVERIFY(v.config().has_value());
        QCOMPARE(v.config()->decoderLayerNum, 3);
        QCOMPARE(v.config()->decoderArbitraryEndeAttn.size(), size_t(3));  // trimmed
        const QImage img = v.grab().toImage();
        QVERIFY(!img.isNull());
        QDir().mkpath(HAT_BINARY_DIR "/screenshots");
        QVERIFY(img.save(HAT_BINARY_DIR "/screenshots/architecture_view_largest.png"));
        v.setConfig(std::nullopt);
        QVERIFY(!v.grab().isNull());
    }
};

QTEST_MAIN(TestArchitectureView)
#include "test_architecture_view.moc"
