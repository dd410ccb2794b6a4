#include "daemoncommandline.h"

#include <QCoreApplication>
#include <QTextStream>

namespace cape {

DaemonCommandLine::DaemonCommandLine(const QString &name, const QString &description)
{
    QCoreApplication::setApplicationName(name);
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPE_VERSION_STRING));
    QCoreApplication::setOrganizationName(QStringLiteral("Cape"));
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
}

bool DaemonCommandLine::process(const QCoreApplication &app)
{
    // parse() rather than process(): a bad option is reported with the
    // usage and exit code 2, like other Unix daemons.
    if (!m_parser.parse(app.arguments())) {
        QTextStream(stderr) << app.applicationName() << ": " << m_parser.errorText() << "\n\n"
                            << m_parser.helpText();
        m_exitCode = 2;
        return false;
    }
    if (m_parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << app.applicationName() << ' ' << app.applicationVersion() << '\n';
        return false;
    }
    if (m_parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << m_parser.helpText();
        return false;
    }
    return true;
}

} // namespace cape
