#pragma once
// One SubTransformer drawn layer by layer: the encoder stack on the left, the decoder stack on the
// right, each layer with its FFN width and head counts, the embedding widths on top, and a line
// from each decoder layer to every encoder layer it attends to (HAT's arbitrary attention).
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
    QString caption() const { return caption_; }

    // Encoder layers (0-based) decoder layer `layer` attends to.
    static std::vector<int> attendedEncoderLayers(const SubConfig& c, int layer);

    QSize sizeHint() const override { return {420, 520}; }
    QSize minimumSizeHint() const override { return {260, 300}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<SubConfig> config_;
    QString caption_;
};

}  // namespace hat::ui
