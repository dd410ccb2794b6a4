#pragma once

#include <QList>
#include <QString>

namespace cape {

// One error or warning about a compose file, where the file says it.
struct ComposeDiagnostic
{
    int line = 0;   // 1-based; 0 when unknown
    int column = 0; // 1-based
    QString path;   // "services.web.deploy.replicas", empty for the whole file
    QString message;

    // "line 12, column 7: services.web.deploy.replicas: expected an integer, got \"three\""
    QString toString() const;

    static QString join(const QList<ComposeDiagnostic> &diagnostics);
};

} // namespace cape
