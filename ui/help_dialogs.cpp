#include "ui/help_dialogs.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMenu>
#include <QMessageBox>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QWidget>
#include <algorithm>
#include <vector>

namespace hat::ui {

QString userGuideHtml() {
    return QObject::tr(R"(<h2>HAT Explorer in two pages</h2>
<p>HAT Explorer finds the most accurate Transformer for translation that runs under a latency limit
on a given device, the way HAT (Hardware-Aware Transformers, Wang et al., ACL 2020) does.</p>
<h3>SuperTransformer and SubTransformers</h3>
<p>A <b>SuperTransformer</b> is one large network trained so that many smaller networks, the
<b>SubTransformers</b>, can be cut out of it with their weights: fewer layers, narrower embeddings,
narrower feed-forward layers, fewer attention heads, and decoder layers that may attend to one, two or
three encoder layers. The <b>design space</b> lists these choices. A SubTransformer's quality is
measured with the weights it inherits, on a small <b>fitness set</b> of validation sentences
(validation loss in bits per token, lower is better; BLEU on request with Ctrl+B).</p>
<p>The demo's SuperTransformer is a <b>1/8-width proxy</b>: every width is divided by 8 so it trains on a
laptop. Its qualities rank architectures; the latencies are predicted for the full-size models.</p>
<h3>Devices and the latency limit</h3>
<p>A <b>device</b> is hardware with a runtime and a thread count (HAT's Raspberry Pi, Xeon and TITAN Xp,
or this machine). Each has a <b>latency predictor</b> trained on measured architectures. The
<b>latency limit</b> is the most time one translation may take on the device. Its slider runs from the
predicted latency of the smallest SubTransformer (nothing is faster) to that of the largest (everything
fits). Each device keeps its own limit. Type a value and press Enter, or drag the slider or the red line in
the plot.</p>
<h3>The 90% upper end</h3>
<p>A prediction is not a measurement. Each predictor also gives an interval that held 90% of the measured
latencies it was checked on. With <i>Limit applies to the 90% upper end</i>, an architecture only counts
when the top of that interval is under the limit. This is the safe choice when the limit is a hard
requirement.</p>
<h3>Searching</h3>
<p>The search is HAT's evolutionary search. A population of architectures under the limit is scored. The
best are kept as <b>parents</b>. Children are made by <b>mutation</b> (changing some genes) and
<b>crossover</b> (mixing two parents). This repeats for a number of <b>generations</b>. Every evaluation is
stored in the workspace, so nothing is evaluated twice.</p>
<p>A <b>warm</b> search starts from the best stored architectures under the limit. It is fast after the limit
moves. A <b>cold</b> search starts from random ones, as HAT does. With <i>auto re-search</i>, a warm search
starts when a drag of the limit ends or Enter is pressed.</p>
<p>The <b>Pareto front</b> (green) links the architectures that no other beats on both latency and
quality. The line above the plot names the best one known under the limit. Click any point or table row
to see its layers in the Architecture view. Pin one with Ctrl+D to compare others with it.</p>
<h3>Taking an answer away</h3>
<p>File &gt; Export writes the selected architecture as HAT's YAML with a header (device, predicted latency,
quality, SuperTransformer). It can also write its inherited weights, the plot, or every evaluation as
CSV. The <code>hat</code> command line does the same without a window.</p>)");
}

QString shortcutsHtml(QWidget* window) {
    std::vector<std::pair<QString, QString>> rows;
    for (QAction* a : window->findChildren<QAction*>()) {
        if (a->shortcut().isEmpty()) continue;
        QString what = a->text().remove('&');
        if (what.endsWith("...")) what.chop(3);
        QStringList keys;
        for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
        rows.emplace_back(keys.join(", "), what);
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QString html = "<h3>" + QObject::tr("Keyboard shortcuts") + "</h3><table cellpadding='3'>";
    for (const auto& [keys, what] : rows) {
        html += "<tr><td><b>" + keys.toHtmlEscaped() + "</b></td><td>" + what.toHtmlEscaped() +
                "</td></tr>";
    }
    return html + "</table>";
}

namespace {
QWidget* showPage(QWidget* parent, const QString& title, const QString& html, const char* name,
                  QSize size) {
    auto* dialog = new QDialog(parent);
    dialog->setObjectName(name);
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto* text = new QTextBrowser(dialog);
    text->setHtml(html);
    text->setOpenExternalLinks(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(size);
    dialog->show();
    return dialog;
}
}  // namespace

QWidget* showUserGuide(QWidget* parent) {
    return showPage(parent, QObject::tr("HAT Explorer User Guide"), userGuideHtml(), "userGuide",
                    {640, 600});
}

QWidget* showShortcuts(QWidget* parent) {
    return showPage(parent, QObject::tr("Keyboard Shortcuts"), shortcutsHtml(parent),
                    "shortcutsDialog", {460, 520});
}

void fillHelpMenu(QMenu* menu, QWidget* window) {
    QAction* guide =
        menu->addAction(QObject::tr("&User Guide"), window, [window] { showUserGuide(window); });
    guide->setShortcut(QKeySequence::HelpContents);
    guide->setToolTip(QObject::tr(
        "SuperTransformers, latency limits, the 90% upper end, warm and cold searches"));
    menu->addAction(QObject::tr("&Keyboard Shortcuts"), window,
                    [window] { showShortcuts(window); });
    menu->addAction(QObject::tr("&About HAT Explorer"), window, [window] {
        QMessageBox::about(
            window, QObject::tr("About HAT Explorer"),
            QObject::tr("<b>HAT Explorer</b><br>Hardware-aware Transformer design: search a "
                        "weight-sharing SuperTransformer for the most accurate SubTransformer "
                        "under a latency limit on your device.<br><br>Re-implements HAT (Wang "
                        "et al., ACL 2020)."));
    });
}

}  // namespace hat::ui
