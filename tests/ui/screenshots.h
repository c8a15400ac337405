#pragma once
// Where widget tests save their screenshots (BUILD/screenshots), created on first use.
#include <QDir>
#include <QString>

inline QString screenshotDir() {
    QString d = QStringLiteral(HAT_BINARY_DIR "/screenshots");
    QDir().mkpath(d);
    return d;
}
