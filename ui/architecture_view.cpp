#include "ui/architecture_view.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace hat::ui {

ArchitectureView::ArchitectureView(QWidget* parent) : QWidget(parent) {
    setObjectName("architectureView");
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void ArchitectureView::setConfig(const std::optional<SubConfig>& config, const QString& caption) {
    config_ = config ? std::optional<SubConfig>(config->trimmed()) : std::nullopt;
    caption_ = caption;
    update();
}

std::vector<int> ArchitectureView::attendedEncoderLayers(const SubConfig& c, int layer) {
    // HAT: -1 attends to the last encoder layer only, k >= 1 to the last k + 1 layers.
    const int arb = layer < static_cast<int>(c.decoderArbitraryEndeAttn.size()) ? c.decoderArbitraryEndeAttn[layer] : -1;
    const int count = std::min(c.encoderLayerNum, arb < 0 ? 1 : arb + 1);
    std::vector<int> out;
    for (int i = c.encoderLayerNum - count; i < c.encoderLayerNum; ++i) out.push_back(i);
    return out;
}

void ArchitectureView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(10, 8, -10, -8);
    const QPalette pal = palette();
    if (!config_) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No architecture selected.\nClick a point in the plot or a row of the population."));
        return;
    }
    const SubConfig& c = *config_;
    QFont base = font();
    QFont bold = base;
    bold.setBold(true);

    double top = area.top();
    if (!caption_.isEmpty()) {
        p.setFont(bold);
        p.setPen(pal.color(QPalette::Text));
        const int flags = Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap;
        const QRectF capRect = p.boundingRect(QRectF(area.left(), top, area.width(), area.height() / 4), flags, caption_);
        p.drawText(QRectF(area.left(), top, area.width(), capRect.height()), flags, caption_);
        top += capRect.height() + 6;
    }
    const double gap = std::clamp(area.width() * 0.14, 28.0, 70.0);
    const double colW = (area.width() - gap) / 2;
    const QRectF encCol(area.left(), top, colW, area.bottom() - top);
    const QRectF decCol(area.left() + colW + gap, top, colW, area.bottom() - top);

    const int rows = std::max(c.encoderLayerNum, c.decoderLayerNum) + 1;  // + embedding row
    const double rowH = std::min(64.0, (encCol.height() - 24) / rows);
    const double boxH = rowH * 0.78;
    const QColor encColor(70, 130, 180), decColor(205, 120, 50), embColor(120, 120, 120);

    p.setFont(bold);
    p.setPen(pal.color(QPalette::Text));
    auto header = [&](const QRectF& r, const QString& text) {
        p.drawText(r, Qt::AlignCenter, p.fontMetrics().elidedText(text, Qt::ElideRight, static_cast<int>(r.width())));
    };
    header(QRectF(encCol.left(), top, colW, 20), tr("Encoder · %1 layers").arg(c.encoderLayerNum));
    header(QRectF(decCol.left(), top, colW, 20), tr("Decoder · %1 layers").arg(c.decoderLayerNum));
    const double stackTop = top + 24;

    // Layers are drawn bottom-up, as data flows: embedding at the bottom, last layer on top.
    auto boxAt = [&](const QRectF& col, int row) {
        const double y = stackTop + (rows - 1 - row) * rowH;
        return QRectF(col.left(), y, col.width(), boxH);
    };
    auto drawBox = [&](const QRectF& r, const QColor& color, const QString& title, const QString& detail) {
        p.setPen(QPen(color.darker(130), 1.2));
        QColor fill = color;
        fill.setAlpha(45);
        p.setBrush(fill);
        p.drawRoundedRect(r, 5, 5);
        p.setPen(pal.color(QPalette::Text));
        p.setFont(bold);
        const QRectF inner = r.adjusted(6, 2, -6, -2);
        const int w = static_cast<int>(inner.width());
        // Narrow docks elide rather than clip.
        auto fit = [&](const QString& t) { return p.fontMetrics().elidedText(t, Qt::ElideRight, w); };
        if (boxH > 2.4 * p.fontMetrics().height()) {
            p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, fit(title));
            p.setFont(base);
            p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom, fit(detail));
        } else {
            p.setFont(base);
            p.drawText(inner, Qt::AlignLeft | Qt::AlignVCenter, fit(title + "  " + detail));
        }
    };
    auto at = [](const std::vector<int>& v, int i) { return i < static_cast<int>(v.size()) ? v[i] : 0; };

    drawBox(boxAt(encCol, 0), embColor, tr("Embedding"), tr("width %1").arg(c.encoderEmbedDim));
    drawBox(boxAt(decCol, 0), embColor, tr("Embedding"), tr("width %1").arg(c.decoderEmbedDim));
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        drawBox(boxAt(encCol, i + 1), encColor, tr("L%1 · FFN %2").arg(i + 1).arg(at(c.encoderFfnDim, i)),
                tr("%1 heads").arg(at(c.encoderSelfHeads, i)));
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        drawBox(boxAt(decCol, i + 1), decColor, tr("L%1 · FFN %2").arg(i + 1).arg(at(c.decoderFfnDim, i)),
                tr("self %1 · cross %2 heads").arg(at(c.decoderSelfHeads, i)).arg(at(c.decoderEndeHeads, i)));
    }
    // Encoder-decoder attention: one curve per (decoder layer, attended encoder layer).
    p.setBrush(Qt::NoBrush);
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        const QRectF d = boxAt(decCol, i + 1);
        const auto attended = attendedEncoderLayers(c, i);
        const QColor lineColor = QColor::fromHsv((i * 53) % 360, 160, 170);
        p.setPen(QPen(lineColor, 1.6));
        for (int e : attended) {
            const QRectF s = boxAt(encCol, e + 1);
            const QPointF a(s.right(), s.center().y());
            const QPointF b(d.left(), d.center().y());
            QPainterPath path(a);
            path.cubicTo(a + QPointF(gap * 0.5, 0), b - QPointF(gap * 0.5, 0), b);
            p.drawPath(path);
            p.drawEllipse(b, 2.5, 2.5);
        }
    }
}

}  // namespace hat::ui
