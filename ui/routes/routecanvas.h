#pragma once

#include "models/routevalidator.h"

#include <QGraphicsView>
#include <QHash>
#include <QPointer>

class QGraphicsLineItem;
class QGraphicsRectItem;

namespace cape {

class RouteDocument;

// The route editor's canvas: entry points (host and path; listener and
// certificate beneath) on the left, the cluster's services (ports,
// replicas) on the right, a curve for each route between them, red where
// the route has a problem. Dragging from an entry point to a service asks
// for a route there (routeRequested); the view turns that into an
// undoable edit. Drawn again by setProblems(), which the editor calls after
// every change of the document (once: the problems are part of the picture).
class RouteCanvas : public QGraphicsView
{
    Q_OBJECT

public:
    struct ServiceInfo
    {
        QString name;
        QList<quint16> ports;
        QString replicas; // "2/2"
    };

    RouteCanvas(RouteDocument *document, QWidget *parent = nullptr);
    ~RouteCanvas() override;

    void setServices(const QList<ServiceInfo> &services);
    void setProblems(const QList<RouteValidator::Problem> &problems);
    // An entry point not routed yet (New entry point…).
    void addEntryPoint(const QString &host, const QString &path);
    // Where an item is drawn, in view coordinates (tests drag between them).
    QPoint entryPointPosition(const QString &host, const QString &path) const;
    QPoint servicePosition(const QString &service) const;
    // The route whose curve or entry point is selected, or -1.
    int selectedRoute() const;
    void selectRoute(int index);

signals:
    void routeRequested(const QString &host, const QString &path, const QString &service);
    void selectionChangedToRoute(int index);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void rebuild();
    QGraphicsRectItem *itemAt(const QPoint &viewPosition, int kind) const;
    static QString entryKey(const QString &host, const QString &path);

    RouteDocument *m_document;
    QList<ServiceInfo> m_services;
    QList<std::pair<QString, QString>> m_extraEntries; // host, path
    QHash<int, QString> m_problemByRoute;
    QHash<QString, QGraphicsRectItem *> m_entryItems;   // by entryKey
    QHash<QString, QGraphicsRectItem *> m_serviceItems; // by name
    QHash<int, QGraphicsItem *> m_routeItems;           // by route index
    QGraphicsRectItem *m_dragFrom = nullptr;
    QGraphicsLineItem *m_dragLine = nullptr;
};

} // namespace cape
