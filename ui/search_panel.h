#pragma once
// The search under the user's hand: its settings (population and how it is bred, generations,
// seed, threads, warm or cold, whether the limit bounds the 90% upper end, auto re-search), Start
// and Cancel, and the progress of the run in flight with the time left. It owns that run: it
// remembers the id of the search (or BLEU job) it started and ignores every report that is not
// for it, so an old run's late generation, end or failure never changes what the panel shows.
#include <QWidget>

#include "ui/search_controller.h"

class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;

namespace hat::ui {

class LimitModel;
class SearchSettingsForm;

class SearchPanel : public QWidget {
    Q_OBJECT
  public:
    SearchPanel(SearchController* controller, LimitModel* limit, QWidget* parent = nullptr);

    // A new device: what the panel said about the last one's searches no longer applies.
    void setDevice(const QString& device);
    // The settings as the form shows them (maxLatencyMs from the limit model).
    EvolutionSettings settings() const;
    void setSettings(const EvolutionSettings& s);
    int threads() const;
    bool warm() const;
    bool autoResearch() const;
    void setAutoResearch(bool on);

    // Starts a search at the current limit (warm or cold as set, or as given); refused with a
    // reason in the panel when the limit is infeasible or the settings do not add up.
    JobId start();
    JobId start(bool warm);
    void cancel();
    JobId evaluateFrontBleu();
    bool running() const { return searchJob_ != 0 || bleuJob_ != 0; }
    JobId currentSearch() const { return searchJob_; }

    // Search > Start (F5, Ctrl+Enter), Start Warm, Start Cold, Cancel (Esc), Evaluate BLEU
    // (Ctrl+B).
    void fillMenu(QMenu* menu);

    QProgressBar* progressBar() const { return progress_; }
    QPushButton* startButton() const { return startButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QString statusText() const;

  Q_SIGNALS:
    void searchStarted(const QString& text);
    // Reports of the panel's own run only.
    void generationArrived(const hat::GenerationReport& report);
    void searchEnded(const hat::SearchOutcome& outcome);
    void bleuEnded(int computed);
    void message(const QString& line);

  private:
    void buildForm();
    void onStarted(JobId job);
    void onGeneration(JobId job, const GenerationReport& r);
    void onFinished(JobId job, const SearchOutcome& out);
    void onProgress(JobId job, double fraction, double secondsLeft, const QString& text);
    void onBleuFinished(JobId job, int computed, bool cancelled);
    void onFailed(JobId job, const QString& message);
    void showIdle(const QString& text);
    void showStatus(const QString& text, bool error = false);

    SearchController* controller_;
    LimitModel* limit_;
    QString device_;
    JobId searchJob_ = 0, bleuJob_ = 0;
    int generations_ = 0;

    SearchSettingsForm* form_ = nullptr;
    QPushButton* startButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace hat::ui
