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

void ArchitectureView::setReference(const std::optional<SubConfig>& reference, const QString& caption) {
    reference_ = reference ? std::optional<SubConfig>(reference->trimmed()) : std::nullopt;
    referenceCaption_ = caption;
    update();
}

QStringList ArchitectureView::differences(const SubConfig& a0, const SubConfig& b0) {
    const SubConfig a = a0.trimmed(), b = b0.trimmed();
    QStringList out;
    auto num = [&](const QString& what, int x, int y) {
        if (x != y) out << QString("%1 %2 → %3").arg(what).arg(x).arg(y);
    };
    auto at = [](const std::vector<int>& v, int i) { return i < static_cast<int>(v.size()) ? v[i] : 0; };
    num("encoder embedding", a.encoderEmbedDim, b.encoderEmbedDim);
    num("decoder embedding", a.decoderEmbedDim, b.decoderEmbedDim);
    num("encoder layers", a.encoderLayerNum, b.encoderLayerNum);
    num("decoder layers", a.decoderLayerNum, b.decoderLayerNum);
    for (int i = 0; i < std::min(a.encoderLayerNum, b.encoderLayerNum); ++i) {
        num(QString("encoder L%1 FFN").arg(i + 1), at(a.encoderFfnDim, i), at(b.encoderFfnDim, i));
        num(QString("encoder L%1 heads").arg(i + 1), at(a.encoderSelfHeads, i), at(b.encoderSelfHeads, i));
    }
    for (int i = 0; i < std::min(a.decoderLayerNum, b.decoderLayerNum); ++i) {
        num(QString("decoder L%1 FFN").arg(i + 1), at(a.decoderFfnDim, i), at(b.decoderFfnDim, i));
        num(QString("decoder L%1 self heads").arg(i + 1), at(a.decoderSelfHeads, i), at(b.decoderSelfHeads, i));
        num(QString("decoder L%1 cross heads").arg(i + 1), at(a.decoderEndeHeads, i), at(b.decoderEndeHeads, i));
        if (attendedEncoderLayers(a, i) != attendedEncoderLayers(b, i)) {
            out << QString("decoder L%1 attends to %2 → %3 encoder layers")
                       .arg(i + 1)
                       .arg(attendedEncoderLayers(a, i).size())
                       .arg(attendedEncoderLayers(b, i).size());
        }
    }
    return out;
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
    elided_ = 0;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(10, 8, -10, -8);
    if (!config_) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No architecture selected.\nClick a point in the plot or a row of the population."));
        return;
    }
    if (!reference_) {
        paintArchitecture(p, area, *config_, nullptr, caption_);
        return;
    }
    // Diff mode: reference on the left, selection on the right, a summary line on top.
    const int changes = static_cast<int>(differences(*reference_, *config_).size());
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(changes ? QColor(200, 40, 40) : palette().color(QPalette::Text));
    const QString summary = changes ? tr("%n difference(s) from the reference (highlighted)", "", changes)
                                    : tr("Same architecture as the reference");
    p.drawText(QRectF(area.left(), area.top(), area.width(), 20), Qt::AlignCenter, summary);
    const double half = (area.width() - 16) / 2;
    const QRectF left(area.left(), area.top() + 24, half, area.height() - 24);
    const QRectF right(area.left() + half + 16, area.top() + 24, half, area.height() - 24);
    paintArchitecture(p, left, *reference_, &*config_, referenceCaption_.isEmpty() ? tr("Reference") : referenceCaption_);
    p.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
    p.drawLine(QPointF(left.right() + 8, left.top()), QPointF(left.right() + 8, left.bottom()));
    paintArchitecture(p, right, *config_, &*reference_, caption_.isEmpty() ? tr("Selected") : caption_);
}

void ArchitectureView::paintArchitecture(QPainter& p, const QRectF& area, const SubConfig& c,
                                         const SubConfig* other, const QString& caption) {
    const QPalette pal = palette();
    const QColor changed(210, 40, 40);
    QFont base = font();
    QFont bold = base;
    bold.setBold(true);

    double top = area.top();
    if (!caption.isEmpty()) {
        p.setFont(bold);
        p.setPen(pal.color(QPalette::Text));
        const int flags = Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap;
        const QRectF capRect = p.boundingRect(QRectF(area.left(), top, area.width(), area.height() / 4), flags, caption);
        p.drawText(QRectF(area.left(), top, area.width(), capRect.height()), flags, caption);
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
        const QString shown = p.fontMetrics().elidedText(text, Qt::ElideRight, static_cast<int>(r.width()));
        elided_ += shown != text;
        p.drawText(r, Qt::AlignCenter, shown);
    };
    // Narrow columns (diff mode in a docked view) get short labels: FFN width alone, heads as
    // "self+cross"; the tooltip-free view stays readable instead of eliding everything.
    const bool compact = colW < 150;
    header(QRectF(encCol.left(), top, colW, 20),
           (compact ? tr("Enc · %1") : tr("Encoder · %1 layers")).arg(c.encoderLayerNum));
    header(QRectF(decCol.left(), top, colW, 20),
           (compact ? tr("Dec · %1") : tr("Decoder · %1 layers")).arg(c.decoderLayerNum));
    const double stackTop = top + 24;

    // Layers are drawn bottom-up, as data flows: embedding at the bottom, last layer on top.
    auto boxAt = [&](const QRectF& col, int row) {
        const double y = stackTop + (rows - 1 - row) * rowH;
        return QRectF(col.left(), y, col.width(), boxH);
    };
    auto drawBox = [&](const QRectF& r, const QColor& color, const QString& title, const QString& detail,
                       bool differs = false) {
        p.setPen(differs ? QPen(changed, 2.6) : QPen(color.darker(130), 1.2));
        QColor fill = color;
        fill.setAlpha(45);
        p.setBrush(fill);
        p.drawRoundedRect(r, 5, 5);
        p.setPen(pal.color(QPalette::Text));
        p.setFont(bold);
        const QRectF inner = r.adjusted(6, 2, -6, -2);
        const int w = static_cast<int>(inner.width());
        // Narrow docks elide rather than clip.
        auto fit = [&](const QString& t) {
            QString shown = p.fontMetrics().elidedText(t, Qt::ElideRight, w);
            elided_ += shown != t;
            return shown;
        };
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

    // In diff mode a box differs when the other architecture lacks the layer or sets it otherwise.
    auto encDiffers = [&](int i) {
        return other && (i >= other->encoderLayerNum || at(other->encoderFfnDim, i) != at(c.encoderFfnDim, i) ||
                         at(other->encoderSelfHeads, i) != at(c.encoderSelfHeads, i));
    };
    auto decDiffers = [&](int i) {
        return other && (i >= other->decoderLayerNum || at(other->decoderFfnDim, i) != at(c.decoderFfnDim, i) ||
                         at(other->decoderSelfHeads, i) != at(c.decoderSelfHeads, i) ||
                         at(other->decoderEndeHeads, i) != at(c.decoderEndeHeads, i) ||
                         attendedEncoderLayers(*other, i) != attendedEncoderLayers(c, i));
    };
    const QString embedding = compact ? tr("Embed") : tr("Embedding");
    drawBox(boxAt(encCol, 0), embColor, embedding, tr("width %1").arg(c.encoderEmbedDim),
            other && other->encoderEmbedDim != c.encoderEmbedDim);
    drawBox(boxAt(decCol, 0), embColor, embedding, tr("width %1").arg(c.decoderEmbedDim),
            other && other->decoderEmbedDim != c.decoderEmbedDim);
    for (int i = 0; i < c.encoderLayerNum; ++i) {
        drawBox(boxAt(encCol, i + 1), encColor,
                (compact ? tr("L%1 · %2") : tr("L%1 · FFN %2")).arg(i + 1).arg(at(c.encoderFfnDim, i)),
                tr("%1 heads").arg(at(c.encoderSelfHeads, i)), encDiffers(i));
    }
    for (int i = 0; i < c.decoderLayerNum; ++i) {
        drawBox(boxAt(decCol, i + 1), decColor,
                (compact ? tr("L%1 · %2") : tr("L%1 · FFN %2")).arg(i + 1).arg(at(c.decoderFfnDim, i)),
                (compact ? tr("%1+%2 heads") : tr("self %1 · cross %2 heads"))
                    .arg(at(c.decoderSelfHeads, i))
                    .arg(at(c.decoderEndeHeads, i)),
                decDiffers(i));
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
