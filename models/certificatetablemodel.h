#pragma once

#include "services/certificates/certificatestore.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace cape {

// The workstation's certificates as a table, then its signing requests
// awaiting an external CA's certificate (state "pending"), then those
// published on the swarm (known by their secrets' labels): name, the names
// it serves, issuer, key, where it is, expiry, and a state (StateRole) the
// view colours: valid, expiring (30 days or less), critical (7 days or
// less), expired, not yet valid. Follows the store row by row.
class CertificateTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Names, Issuer, Key, Where, Expires, Status, ColumnCount };

    // A certificate on the swarm: its chain's secret, and what its labels say.
    struct SwarmCertificate
    {
        QString secretId;
        QString secretName;
        QString name;
        QStringList names;
        QDateTime notAfter;
        QStringList services; // those that mount it
    };
    static constexpr auto SwarmIdPrefix = "swarm:";

    explicit CertificateTableModel(CertificateStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QString idAt(int row) const;
    int rowOf(const QString &id) const;
    void setSwarmCertificates(const QList<SwarmCertificate> &certificates);
    // For an id of a swarm row ("swarm:<secret id>"), or nullptr.
    const SwarmCertificate *swarmCertificate(const QString &id) const;
    // The state word for a certificate's expiry (StateRole).
    static QString stateOf(Certificate::Expiry expiry);
    // "Valid, 89 days left", "Expires in 5 days", "Expired 3 days ago".
    static QString statusText(const QDateTime &notBefore, const QDateTime &notAfter, const QDateTime &now);
    // What "now" is (tests pin it).
    void setNow(const QDateTime &now);

private:
    QVariant swarmData(const SwarmCertificate &certificate, int column, int role) const;
    QVariant requestData(const CertificateStore::PendingRequest &request, int column, int role) const;
    int firstRequestRow() const { return int(m_rows.size()); }
    int firstSwarmRow() const { return int(m_rows.size() + m_requests.size()); }

    CertificateStore *m_store;
    QList<CertificateStore::Entry> m_rows;
    QList<CertificateStore::PendingRequest> m_requests; // shown after m_rows
    QList<SwarmCertificate> m_swarm;                    // shown after m_requests
    QDateTime m_now;                                    // invalid: the clock
};

} // namespace cape
