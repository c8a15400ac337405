#pragma once
// One SubTransformer drawn layer by layer: the encoder stack on the left, the decoder stack on the
// right, each layer with its FFN width and head counts, the embedding widths on top, and a line
// from each decoder layer to every encoder layer it attends to (HAT's arbitrary attention).
// Diff mode: with a reference set, the reference and the current architecture are drawn side by
// side and every layer, width or head count that differs is highlighted in both.
#include <QStringList>
#include <QWidget>

#include <optional>

#include "core/space/sub_config.h"

namespace hat::ui {

class ArchitectureView : public QWidget {
    Q_OBJECT
public:
    explicit ArchitectureView(QWidget* parent = nullptr);

    void setConfig(const std::optional<SubConfig>& config, const QString& caption = {});
    const std::optional<SubConfig>& config() const { return config_; }
    // Diff mode on (a reference) or off (nullopt).
    void setReference(const std::optional<SubConfig>& reference, const QString& caption = {});
    const std::optional<SubConfig>& reference() const { return reference_; }

    // What differs between two architectures, one readable line each ("decoder L2 FFN 3072 → 1024").
    static QStringList differences(const SubConfig& from, const SubConfig& to);
    QString caption() const { return caption_; }

    // Encoder layers (0-based) decoder layer `layer` attends to.
    static std::vector<int> attendedEncoderLayers(const SubConfig& c, int layer);

    // How many texts the last paint had to shorten to fit (0: everything readable).
    int elidedTexts() const { return elided_; }

    QSize sizeHint() const override { return {420, 520}; }
    QSize minimumSizeHint() const override { return {260, 300}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintArchitecture(QPainter& p, const QRectF& area, const SubConfig& c, const SubConfig* other,
                           const QString& caption);
    std::optional<SubConfig> config_, reference_;
    QString caption_, referenceCaption_;
    int elided_ = 0;
};

}  // namespace hat::ui
