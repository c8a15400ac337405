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

    void diffModeListsAndHighlightsDifferences() {
        const DesignSpace space = DesignSpace::loadYaml(test::sourcePath("data/spaces/space0.yml"));
        const SubConfig a = SubConfig::largest(space);
        SubConfig b = a;
        b.decoderLayerNum = 3;
        b.decoderFfnDim[1] = 1024;
        b.encoderSelfHeads[0] = 4;
        b.decoderArbitraryEndeAttn = {1, 2, 1, 1, 1, 1};  // largest: 1 (two layers) everywhere
        const QStringList d = ArchitectureView::differences(a, b);
        // Depth, one FFN, one head count, and decoder L2's attention.
        QVERIFY2(d.size() == 4, qPrintable(d.join("; ")));
        QVERIFY(d.contains("decoder layers 6 → 3"));
        QVERIFY(d.contains("decoder L2 FFN 3072 → 1024"));
        QVERIFY(d.contains("encoder L1 heads 8 → 4"));
        QVERIFY(d.contains("decoder L2 attends to 2 → 3 encoder layers"));
        QVERIFY(ArchitectureView::differences(a, a).isEmpty());

        // The highlight colour appears only when something differs.
        auto redPixels = [](const QImage& img) {
            int n = 0;
            for (int y = 0; y < img.height(); ++y) {
                for (int x = 0; x < img.width(); ++x) {
                    const QColor c = img.pixelColor(x, y);
                    n += c.red() > 190 && c.green() < 70 && c.blue() < 70;
                }
            }
            return n;
        };
        ArchitectureView v;
        v.resize(900, 560);
        v.setConfig(b, "selected");
        v.setReference(a, "reference");
        const QImage diff = v.grab().toImage();
        QVERIFY(redPixels(diff) > 200);
        QVERIFY(diff.save(HAT_BINARY_DIR "/screenshots/architecture_diff.png"));
        v.setReference(b);
        QCOMPARE(redPixels(v.grab().toImage()), 0);
        v.setReference(std::nullopt);
        QVERIFY(!v.reference().has_value());
    }
};

QTEST_MAIN(TestArchitectureView)
#include "test_architecture_view.moc"
