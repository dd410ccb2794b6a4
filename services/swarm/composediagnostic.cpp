#include "composediagnostic.h"

#include <QStringList>

namespace cape {

QString ComposeDiagnostic::toString() const
{
    QString text;
    if (line > 0)
        text = QStringLiteral("line %1, column %2: ").arg(line).arg(column);
    if (!path.isEmpty())
        text += path + QStringLiteral(": ");
    return text + message;
}

QString ComposeDiagnostic::join(const QList<ComposeDiagnostic> &diagnostics)
{
    QStringList lines;
    for (const ComposeDiagnostic &d : diagnostics)
        lines.append(d.toString());
    return lines.join(QLatin1Char('\n'));
}

} // namespace cape
