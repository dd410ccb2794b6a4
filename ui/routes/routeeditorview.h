#pragma once

#include "models/routevalidator.h"
#include "routecanvas.h"

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableWidget;
class QUndoStack;

namespace cape {

class CertificateStore;
class ClusterStore;
class MessageLabel;
class RouteDocument;

// The route editor: cape-proxyd's document drawn as entry points wired to
// the cluster's services (drag from one to the other to route it there),
// the same routes as a table for the keyboard, an inspector for the
// selected route, and the problems RouteValidator finds as you edit. Every
// edit is undoable. Opens and saves the JSON cape-proxyd reads.
class RouteEditorView : public QWidget
{
    Q_OBJECT

public:
    // cluster: where the services and networks come from (none: setFacts);
    // certificates: the certificates view's, checked against the hosts.
    explicit RouteEditorView(ClusterStore *cluster = nullptr, CertificateStore *certificates = nullptr,
                             QWidget *parent = nullptr);

    RouteDocument *document() const { return m_document; }
    RouteCanvas *canvas() const { return m_canvas; }
    QUndoStack *undoStack() const { return m_undo; }
    QTableWidget *table() const { return m_table; }
    QListWidget *problemsList() const { return m_problems; }

    void setFacts(const RouteValidator::Facts &facts, const QList<RouteCanvas::ServiceInfo> &services);
    // What a drag from an entry point to a service does: a new route there,
    // or the entry point's route moved to it.
    void routeTo(const QString &host, const QString &path, const QString &service);
    void addEntryPoint(const QString &host, const QString &path);
    // What the Listeners and certificates… dialog does once accepted (undoable).
    void setListenersAndCertificates(const QList<ProxyConfig::Listener> &listen,
                                     const QList<ProxyConfig::Certificate> &certificates);
    void removeSelectedRoute();
    bool openFile(const QString &path);
    bool saveFile(const QString &path);
    // With a cluster: the document cape-proxyd's service runs, into the
    // editor; the edited one onto the service (after showing the diff);
    // the service back to what it ran before.
    void importRunning();
    void publish();
    void rollBack();

signals:
    // After importRunning(), publish() or rollBack(): ok, and the message shown.
    void operationFinished(bool ok, const QString &message);

private:
    void finish(bool ok, const QString &message);
    void refreshTable();
    void validate();
    QList<RouteValidator::Problem> currentProblems() const;
    void showRoute(int index);
    void applyInspector();
    void factsFromCluster();
    // The service running cape-proxyd (asks when there are several), or empty.
    QString proxyServiceId();
    void runPublisher(const std::function<void(class RoutePublisher *)> &start);

    ClusterStore *m_cluster;
    CertificateStore *m_certificateStore;
    RouteDocument *m_document;
    QUndoStack *m_undo;
    RouteCanvas *m_canvas;
    QTableWidget *m_table;
    QListWidget *m_problems;
    MessageLabel *m_message;
    RouteValidator::Facts m_facts;
    QList<RouteCanvas::ServiceInfo> m_services;
    // The inspector.
    int m_inspected = -1;
    QLineEdit *m_path;
    QSpinBox *m_port;
    QCheckBox *m_strip;
    QCheckBox *m_redirect;
    QLineEdit *m_certificate;
    QLineEdit *m_health;
};

} // namespace cape
