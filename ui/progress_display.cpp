#include "ui/progress_display.h"

#include <QObject>
#include <QProgressBar>
#include <QString>
#include <algorithm>
#include <cmath>

namespace hat::ui {

QString formatDuration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    if (s >= 3600) return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
    if (s >= 60) return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QObject::tr("%1 s").arg(s);
}

QString progressText(const QString& text, double secondsLeft) {
    if (secondsLeft < 0) return text;
    const QString left = QObject::tr("about %1 left").arg(formatDuration(secondsLeft));
    return text.isEmpty() ? left : text + QStringLiteral(" — ") + left;
}

void showFraction(QProgressBar* bar, double fraction) {
    if (fraction < 0) {
        bar->setRange(0, 0);
        return;
    }
    bar->setRange(0, 1000);
    bar->setValue(static_cast<int>(std::lround(std::min(1.0, fraction) * 1000)));
}

}  // namespace hat::ui
