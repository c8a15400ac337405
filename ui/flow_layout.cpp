#include "ui/flow_layout.h"

#include <QWidget>
#include <algorithm>

namespace hat::ui {

FlowLayout::FlowLayout(QWidget* parent, int spacing) : QLayout(parent), spacing_(spacing) {
    setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) {
    items_.append(item);
    stretchMin_.append(0);
}

void FlowLayout::addStretchedWidget(QWidget* widget, int minWidth) {
    addWidget(widget);
    stretchMin_.last() = minWidth;
}

QLayoutItem* FlowLayout::itemAt(int index) const {
    return index >= 0 && index < items_.size() ? items_[index] : nullptr;
}

QLayoutItem* FlowLayout::takeAt(int index) {
    if (index < 0 || index >= items_.size()) return nullptr;
    stretchMin_.removeAt(index);
    return items_.takeAt(index);
}

int FlowLayout::widthOf(int index) const {
    const int hint = items_[index]->sizeHint().width();
    return stretchMin_[index] > 0
               ? std::max(stretchMin_[index], items_[index]->minimumSize().width())
               : hint;
}

int FlowLayout::heightForWidth(int width) const { return arrange(QRect(0, 0, width, 0), false); }

QSize FlowLayout::minimumSize() const {
    // As narrow as the widest single item: everything else wraps.
    QSize s;
    for (int i = 0; i < items_.size(); ++i)
        s = s.expandedTo(QSize(widthOf(i), items_[i]->minimumSize().height()));
    const QMargins m = contentsMargins();
    return s + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const {
    int w = 0, h = 0;
    for (int i = 0; i < items_.size(); ++i) {
        w += widthOf(i) + (i ? spacing_ : 0);
        h = std::max(h, items_[i]->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return {w + m.left() + m.right(), h + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const {
    const QRect area = rect.marginsRemoved(contentsMargins());
    int y = area.y();
    int i = 0;
    while (i < items_.size()) {
        // Take as many items as fit on this row.
        int end = i, used = 0, rowHeight = 0;
        while (end < items_.size()) {
            const int w = widthOf(end) + (end > i ? spacing_ : 0);
            if (end > i && used + w > area.width()) break;
            used += w;
            rowHeight = std::max(rowHeight, items_[end]->sizeHint().height());
            ++end;
        }
        int stretchers = 0;
        for (int k = i; k < end; ++k) stretchers += stretchMin_[k] > 0;
        const int spare = std::max(0, area.width() - used);
        int x = area.x();
        for (int k = i; k < end; ++k) {
            int w = widthOf(k);
            if (stretchMin_[k] > 0 && stretchers > 0) w += spare / stretchers;
            w = std::min(w, area.width());
            if (apply) {
                const int h = items_[k]->sizeHint().height();
                items_[k]->setGeometry(QRect(x, y + (rowHeight - h) / 2, w, h));
            }
            x += w + spacing_;
        }
        y += rowHeight + spacing_;
        i = end;
    }
    return y - spacing_ - area.y() + contentsMargins().top() + contentsMargins().bottom();
}

}  // namespace hat::ui
