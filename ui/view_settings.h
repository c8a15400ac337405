#pragma once
// What the window remembers per workspace across restarts: the device, the y axis and the
// pinned reference (each device's limit is remembered by LimitModel under limitsGroup()).
#include <QString>
#include <optional>

#include "core/space/gene.h"

namespace hat::ui {

struct ViewSettings {
    QString device;
    int yMetric = 0;
    std::optional<Gene> reference;

    static ViewSettings load(const QString& workspaceDir);
    void save(const QString& workspaceDir) const;
    // The QSettings group of a workspace, and the one its limits live in.
    static QString group(const QString& workspaceDir);
    static QString limitsGroup(const QString& workspaceDir) {
        return group(workspaceDir) + "/limits";
    }
};

}  // namespace hat::ui
