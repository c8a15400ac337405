#pragma once
// Where widget tests save their screenshots (BUILD/screenshots), created on first use.
#include <QDir>
#include <QString>

inline QString screenshotDir() {
    const QString d = QStringLiteral(HAT_BINARY_DIR "/screenshots");
    QDir().mkpath(d);
    return d;
}
