#pragma once
// Runs the built `hat` as a user would, for tests that check exit codes and the one-line errors
// of the command line (issue 15: exit 2, one line, the file named).
#include <QProcess>
#include <QString>
#include <QStringList>

namespace hat::test {

struct HatRun {
    int code = -1;  // -1: killed by a signal or did not finish
    QString out, err;
};

// `hat ARGS`, optionally under a file size limit of `limitKiB` (a disk that fills up): the shell
// ignores SIGXFSZ, so a write past the limit fails with EFBIG as it would on a full disk.
inline HatRun runHat(const QStringList& args, int limitKiB = 0, int timeoutMs = 300000) {
    QProcess p;
    const QString hat = QString(HAT_BINARY_DIR) + "/app/hat";
    if (limitKiB > 0) {
        p.start("/bin/sh",
                QStringList{"-c", QString("ulimit -f %1; trap '' XFSZ; exec \"$0\" \"$@\"").arg(limitKiB), hat} +
                    args);
    } else {
        p.start(hat, args);
    }
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// Refused the way the command line refuses bad input: exit 2 and one line that names `file`.
inline bool oneLineNaming(const HatRun& r, const QString& file) {
    const QString e = r.err.trimmed();
    return r.code == 2 && !e.isEmpty() && !e.contains('\n') && e.contains(file);
}

}  // namespace hat::test
