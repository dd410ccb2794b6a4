#include "daemoncommandline.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QTextStream>

namespace cape {

DaemonCommandLine::DaemonCommandLine(const QString &name, const QString &description,
                                     const QString &healthAddress)
    : m_healthAddress(healthAddress)
{
    QCoreApplication::setApplicationName(name);
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPE_VERSION_STRING));
    QCoreApplication::setOrganizationName(QStringLiteral("Cape"));
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOption(QCommandLineOption(
        QStringLiteral("probe"),
        QStringLiteral("Ask the running daemon's /health at $%1 (default %2) and exit 0 if it answers 200 "
                       "within %3 s, 1 otherwise: the image's HEALTHCHECK.")
            .arg(QLatin1String(HealthAddressVariable), healthAddress)
            .arg(ProbeTimeoutMs / 1000)));
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
    if (m_parser.isSet(QStringLiteral("probe"))) {
        const QString address = QProcessEnvironment::systemEnvironment().value(
            QLatin1String(HealthAddressVariable), m_healthAddress);
        m_exitCode = probe(address);
        return false;
    }
    return true;
}

int DaemonCommandLine::probe(const QString &address)
{
    QTextStream out(stdout);
    const QUrl url(QStringLiteral("http://%1/health").arg(address));
    if (!url.isValid() || url.port() < 1) {
        out << "probe: " << address << " is not host:port\n";
        return 1;
    }
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(ProbeTimeoutMs);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // HEALTHCHECK keeps the last output in `docker inspect`: say what was seen.
    out << url.toString() << ": " << (status ? QString::number(status) : reply->errorString()) << ' '
        << reply->readAll().left(400).trimmed() << '\n';
    reply->deleteLater();
    return status == 200 ? 0 : 1;
}

} // namespace cape
