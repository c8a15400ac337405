#pragma once
// Runs the built `hat` as a user would, for tests that check exit codes and the one-line errors
// of the command line (issue 15: exit 2, one line, the file named).
#include <QProcess>
#include <QString>
#include <QStringList>

namespace hat::test {

// The `hat` binary of this build.
inline QString hatBinary() { return QString(HAT_BINARY_DIR) + "/app/hat"; }

struct HatRun {
    int code = -1;  // -1: killed by a signal or did not finish
    QString out, err;
    bool started = false;   // the process was started
    bool finished = false;  // it ended before the time limit (else it was killed)
    bool crashed = false;   // it ended by a signal
};

struct HatOptions {
    int limitKiB = 0;           // a file size limit (a disk that fills up), 0 for none
    int timeoutMs = 300000;     // killed (finished = false) after this long
    QString workDir;            // the working directory, the test's when empty
    QStringList prefix;         // runs hat under this program and its arguments (setpriv, ...)
};

inline HatOptions inDirectory(const QString& workDir) {
    HatOptions o;
    o.workDir = workDir;
    return o;
}
inline HatOptions under(const QStringList& prefix) {
    HatOptions o;
    o.prefix = prefix;
    return o;
}
inline HatOptions withTimeout(int timeoutMs) {
    HatOptions o;
    o.timeoutMs = timeoutMs;
    return o;
}

// Starts `hat ARGS` in `p` as `o` says, without waiting for it.
inline void startHat(QProcess& p, const QStringList& args, const HatOptions& o = {}) {
    if (!o.workDir.isEmpty()) p.setWorkingDirectory(o.workDir);
    QString program = hatBinary();
    QStringList argv = args;
    // The shell ignores SIGXFSZ, so a write past the limit fails with EFBIG as it would on a full disk.
    if (o.limitKiB > 0) {
        argv = QStringList{"-c", QString("ulimit -f %1; trap '' XFSZ; exec \"$0\" \"$@\"").arg(o.limitKiB), program} +
               argv;
        program = "/bin/sh";
    }
    if (!o.prefix.isEmpty()) {
        argv = o.prefix.mid(1) + QStringList{program} + argv;
        program = o.prefix.front();
    }
    p.start(program, argv);
}

// Waits for a started `hat` (killing it after `timeoutMs`) and collects what it wrote.
inline HatRun finishHat(QProcess& p, int timeoutMs = 300000) {
    HatRun r;
    r.started = p.state() != QProcess::NotRunning || p.error() != QProcess::FailedToStart;
    if (r.started && p.state() == QProcess::Starting) r.started = p.waitForStarted(60000);
    r.finished = r.started && (p.state() == QProcess::NotRunning || p.waitForFinished(timeoutMs));
    if (r.started && !r.finished) {
        p.kill();
        p.waitForFinished(10000);
    }
    r.crashed = r.finished && p.exitStatus() == QProcess::CrashExit;
    if (r.finished && !r.crashed) r.code = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline HatRun runHat(const QStringList& args, const HatOptions& o) {
    QProcess p;
    startHat(p, args, o);
    return finishHat(p, o.timeoutMs);
}

// `hat ARGS`, optionally under a file size limit of `limitKiB` (a disk that fills up).
inline HatRun runHat(const QStringList& args, int limitKiB = 0, int timeoutMs = 300000) {
    HatOptions o;
    o.limitKiB = limitKiB;
    o.timeoutMs = timeoutMs;
    return runHat(args, o);
}

// Refused the way the command line refuses bad input: exit 2 and one line that names `file`.
inline bool oneLineNaming(const HatRun& r, const QString& file) {
    const QString e = r.err.trimmed();
    return r.code == 2 && !e.isEmpty() && !e.contains('\n') && e.contains(file);
}

}  // namespace hat::test
