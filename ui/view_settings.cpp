#include "ui/view_settings.h"

#include <QSettings>
#include <QUrl>

#include "core/store/workspace_db.h"

namespace hat::ui {

QString ViewSettings::group(const QString& workspaceDir) {
    return "workspaces/" + QString::fromLatin1(QUrl::toPercentEncoding(workspaceDir));
}

ViewSettings ViewSettings::load(const QString& workspaceDir) {
    QSettings s;
    s.beginGroup(group(workspaceDir));
    ViewSettings v;
    v.device = s.value("device").toString();
    v.yMetric = s.value("yMetric", 0).toInt();
    const QString reference = s.value("reference").toString();
    if (!reference.isEmpty()) {
        try {
            v.reference = geneFromText(reference.toStdString());
        } catch (const std::exception&) {
            // Not a gene (edited by hand): forgotten.
        }
    }
    return v;
}

void ViewSettings::save(const QString& workspaceDir) const {
    QSettings s;
    s.beginGroup(group(workspaceDir));
    s.setValue("device", device);
    s.setValue("yMetric", yMetric);
    s.setValue("reference", reference ? QString::fromStdString(geneToText(*reference)) : QString());
}

}  // namespace hat::ui
