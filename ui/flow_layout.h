#pragma once
// A layout that places its items left to right and starts a new row when the next one does not
// fit, so the window's control row wraps on a narrow screen instead of forcing the window wide.
// Items keep their size hint; an item with a horizontal stretch (setStretch) takes what is left
// of its row.
#include <QLayout>
#include <QList>

namespace hat::ui {

class FlowLayout : public QLayout {
  public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = 6);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    // `widget` grows to fill the rest of its row, but not below `minWidth`.
    void addStretchedWidget(QWidget* widget, int minWidth);
    int count() const override { return static_cast<int>(items_.size()); }
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return Qt::Horizontal; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

  private:
    int arrange(const QRect& rect, bool apply) const;
    int widthOf(int index) const;

    QList<QLayoutItem*> items_;
    QList<int> stretchMin_;  // per item: minimum width when it stretches, 0 when it does not
    int spacing_;
};

}  // namespace hat::ui
