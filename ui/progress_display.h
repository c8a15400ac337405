#pragma once
// How the window shows any job's progress (a search, BLEU of the front, training, measuring):
// core's ProgressUpdate — fraction, text, time left — on a bar, the same way everywhere.
class QProgressBar;
class QString;

namespace hat::ui {

// "42 s", "3 min 05 s", "1 h 07 min".
QString formatDuration(double seconds);
// "generation 3 of 11 — about 2 min 10 s left"; just the text while the time left is unknown.
QString progressText(const QString& text, double secondsLeft);
// A fraction in [0, 1] on `bar` (0..1000); negative: busy, no fraction known.
void showFraction(QProgressBar* bar, double fraction);

}  // namespace hat::ui
