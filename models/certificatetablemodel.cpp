#include "certificatetablemodel.h"

#include "modelroles.h"

namespace cape {

CertificateTableModel::CertificateTableModel(CertificateStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_rows(store->entries())
    , m_requests(store->requests())
{
    connect(store, &CertificateStore::added, this, [this](const QString &id) {
        const CertificateStore::Entry *entry = m_store->entry(id);
        if (!entry || rowOf(id) >= 0)
            return;
        beginInsertRows({}, firstRequestRow(), firstRequestRow());
        m_rows << *entry;
        endInsertRows();
    });
    connect(store, &CertificateStore::requestAdded, this, [this](const QString &id) {
        const CertificateStore::PendingRequest *request = m_store->request(id);
        if (!request || rowOf(id) >= 0)
            return;
        beginInsertRows({}, firstSwarmRow(), firstSwarmRow());
        m_requests << *request;
        endInsertRows();
    });
    connect(store, &CertificateStore::removed, this, [this](const QString &id) {
        const int row = rowOf(id);
        if (row < 0 || row >= firstRequestRow())
            return;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    });
    connect(store, &CertificateStore::requestRemoved, this, [this](const QString &id) {
        const int row = rowOf(id);
        if (row < firstRequestRow() || row >= firstSwarmRow())
            return;
        beginRemoveRows({}, row, row);
        m_requests.removeAt(row - firstRequestRow());
        endRemoveRows();
    });
}

int CertificateTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : firstSwarmRow() + int(m_swarm.size());
}

void CertificateTableModel::setSwarmCertificates(const QList<SwarmCertificate> &certificates)
{
    const int first = firstSwarmRow();
    if (!m_swarm.isEmpty()) {
        beginRemoveRows({}, first, first + int(m_swarm.size()) - 1);
        m_swarm.clear();
        endRemoveRows();
    }
    if (certificates.isEmpty())
        return;
    beginInsertRows({}, first, first + int(certificates.size()) - 1);
    m_swarm = certificates;
    endInsertRows();
}

const CertificateTableModel::SwarmCertificate *
CertificateTableModel::swarmCertificate(const QString &id) const
{
    for (const SwarmCertificate &certificate : m_swarm) {
        if (QLatin1String(SwarmIdPrefix) + certificate.secretId == id)
            return &certificate;
    }
    return nullptr;
}

int CertificateTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CertificateTableModel::idAt(int row) const
{
    if (row >= 0 && row < firstRequestRow())
        return m_rows.at(row).id;
    if (row >= firstRequestRow() && row < firstSwarmRow())
        return m_requests.at(row - firstRequestRow()).id;
    const qsizetype swarm = row - firstSwarmRow();
    return swarm >= 0 && swarm < m_swarm.size() ? QLatin1String(SwarmIdPrefix) + m_swarm.at(swarm).secretId
                                                : QString();
}

int CertificateTableModel::rowOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return int(i);
    }
    for (qsizetype i = 0; i < m_requests.size(); ++i) {
        if (m_requests.at(i).id == id)
            return firstRequestRow() + int(i);
    }
    for (qsizetype i = 0; i < m_swarm.size(); ++i) {
        if (QLatin1String(SwarmIdPrefix) + m_swarm.at(i).secretId == id)
            return firstSwarmRow() + int(i);
    }
    return -1;
}

void CertificateTableModel::setNow(const QDateTime &now)
{
    m_now = now;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

QString CertificateTableModel::stateOf(Certificate::Expiry expiry)
{
    switch (expiry) {
    case Certificate::Expiry::Valid:
        return QStringLiteral("valid");
    case Certificate::Expiry::Within30Days:
        return QStringLiteral("expiring");
    case Certificate::Expiry::Within7Days:
        return QStringLiteral("critical");
    case Certificate::Expiry::Expired:
        return QStringLiteral("expired");
    case Certificate::Expiry::NotYetValid:
        return QStringLiteral("not yet valid");
    }
    return {};
}

QString CertificateTableModel::statusText(const QDateTime &notBefore, const QDateTime &until,
                                          const QDateTime &now)
{
    const qint64 days = now.daysTo(until);
    // Spelt out for one and many until the app ships its English plural forms (issue 9's translations).
    const auto daysText = [](qint64 count) { return count == 1 ? tr("1 day") : tr("%1 days").arg(count); };
    switch (Certificate::expiryOf(notBefore, until, now)) {
    case Certificate::Expiry::Valid:
        return tr("Valid, %1 left").arg(daysText(days));
    case Certificate::Expiry::Within30Days:
    case Certificate::Expiry::Within7Days:
        return days < 1 ? tr("Expires today") : tr("Expires in %1").arg(daysText(days));
    case Certificate::Expiry::Expired:
        return tr("Expired %1 ago").arg(daysText(until.daysTo(now)));
    case Certificate::Expiry::NotYetValid:
        return tr("Not valid before %1").arg(notBefore.toString(Qt::ISODate));
    }
    return {};
}

QVariant CertificateTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    if (index.row() >= firstSwarmRow())
        return swarmData(m_swarm.at(index.row() - firstSwarmRow()), index.column(), role);
    if (index.row() >= firstRequestRow())
        return requestData(m_requests.at(index.row() - firstRequestRow()), index.column(), role);
    const CertificateStore::Entry &entry = m_rows.at(index.row());
    const Certificate &leaf = entry.leaf();
    const QDateTime now = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    if (role == IdRole)
        return entry.id;
    if (role == StateRole)
        return stateOf(leaf.expiry(now));
    if (role == SortRole && index.column() == Expires)
        return leaf.notAfter();
    if (role == FilterRole)
        return QStringList{entry.name, leaf.names().join(u' '), leaf.issuer()}.join(u' ');
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Name:
        return entry.name;
    case Names: {
        if (leaf.isAuthority() && leaf.dnsNames().isEmpty())
            return tr("certificate authority");
        QStringList names = leaf.names();
        names << leaf.ipAddresses();
        return names.join(QStringLiteral(", "));
    }
    case Issuer:
        return leaf.isSelfIssued() ? tr("self-signed") : leaf.issuerCommonName();
    case Key:
        return entry.hasKey ? tr("%1, in keychain").arg(leaf.keyDescription()) : leaf.keyDescription();
    case Where:
        return tr("workstation");
    case Expires:
        return leaf.notAfter().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    case Status:
        return statusText(leaf.notBefore(), leaf.notAfter(), now);
    default:
        return {};
    }
}

QVariant CertificateTableModel::swarmData(const SwarmCertificate &certificate, int column, int role) const
{
    const QDateTime now = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    if (role == IdRole)
        return QLatin1String(SwarmIdPrefix) + certificate.secretId;
    if (role == StateRole)
        return stateOf(Certificate::expiryOf({}, certificate.notAfter, now));
    if (role == SortRole && column == Expires)
        return certificate.notAfter;
    if (role == FilterRole)
        return certificate.name + u' ' + certificate.names.join(u' ');
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (column) {
    case Name:
        return certificate.name;
    case Names:
        return certificate.names.join(QStringLiteral(", "));
    case Issuer:
        return QStringLiteral("—");
    case Key:
        return tr("in a swarm secret");
    case Where:
        return certificate.services.isEmpty()
                   ? tr("swarm, not mounted")
                   : tr("swarm: %1").arg(certificate.services.join(QStringLiteral(", ")));
    case Expires:
        return certificate.notAfter.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    case Status:
        return statusText({}, certificate.notAfter, now);
    default:
        return {};
    }
}

QVariant CertificateTableModel::requestData(const CertificateStore::PendingRequest &request, int column,
                                            int role) const
{
    if (role == IdRole)
        return request.id;
    if (role == StateRole)
        return QStringLiteral("pending");
    if (role == SortRole && column == Expires)
        return QDateTime(); // no end yet: sorts first
    if (role == FilterRole)
        return request.name + u' ' + request.request.dnsNames().join(u' ');
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (column) {
    case Name:
        return request.name;
    case Names: {
        QStringList names = request.request.dnsNames();
        if (names.isEmpty())
            names << request.request.commonName();
        return (names + request.request.ipAddresses()).join(QStringLiteral(", "));
    }
    case Issuer:
        return tr("external CA");
    case Key:
        return tr("%1, in keychain").arg(request.request.keyDescription());
    case Where:
        return tr("workstation");
    case Expires:
        return QStringLiteral("—");
    case Status:
        return tr("Awaiting the CA's certificate");
    default:
        return {};
    }
}

QVariant CertificateTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Names:
        return tr("Serves");
    case Issuer:
        return tr("Issuer");
    case Key:
        return tr("Key");
    case Where:
        return tr("Where");
    case Expires:
        return tr("Expires");
    case Status:
        return tr("Status");
    default:
        return {};
    }
}

} // namespace cape
