#include "routecanvas.h"

#include "models/routedocument.h"

#include <QGraphicsLineItem>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QPen>

namespace cape {

namespace {

enum Kind { EntryKind = 1, ServiceKind = 2, RouteKind = 3 };
enum Data { KindData = 0, HostData, PathData, RouteData, ServiceData };

constexpr qreal BoxWidth = 260;
constexpr qreal BoxHeight = 52;
constexpr qreal RowGap = 18;
constexpr qreal ServiceColumn = 560;

const QColor Ink(0x24, 0x29, 0x2f);
const QColor Muted(0x65, 0x6d, 0x76);
const QColor Line(0x3b, 0x82, 0xf6);
const QColor Problem(0xd1, 0x3b, 0x3b);

QGraphicsRectItem *box(QGraphicsScene *scene, qreal x, qreal y, const QString &title, const QString &subtitle,
                       const QColor &fill, bool dashed)
{
    auto *rect = scene->addRect(
        0, 0, BoxWidth, BoxHeight,
        QPen(dashed ? Muted : QColor(0xd0, 0xd7, 0xde), 1.2, dashed ? Qt::DashLine : Qt::SolidLine), fill);
    rect->setPos(x, y);
    auto *name = new QGraphicsSimpleTextItem(title, rect);
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    name->setBrush(Ink);
    name->setPos(10, 7);
    auto *detail = new QGraphicsSimpleTextItem(subtitle, rect);
    detail->setBrush(Muted);
    detail->setPos(10, 28);
    rect->setFlag(QGraphicsItem::ItemIsSelectable);
    return rect;
}

} // namespace

RouteCanvas::RouteCanvas(RouteDocument *document, QWidget *parent)
    : QGraphicsView(parent)
    , m_document(document)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setBackgroundBrush(QColor(0xf6, 0xf8, 0xfa));
    connect(scene(), &QGraphicsScene::selectionChanged, this,
            [this] { emit selectionChangedToRoute(selectedRoute()); });
    rebuild();
}

RouteCanvas::~RouteCanvas()
{
    // The scene goes with its selected items: no selection signal to a view half gone.
    scene()->blockSignals(true);
}

QString RouteCanvas::entryKey(const QString &host, const QString &path)
{
    return host.toLower() + path;
}

void RouteCanvas::setServices(const QList<ServiceInfo> &services)
{
    m_services = services;
    rebuild();
}

void RouteCanvas::setProblems(const QList<RouteValidator::Problem> &problems)
{
    m_problemByRoute.clear();
    for (const RouteValidator::Problem &problem : problems) {
        if (problem.route >= 0 && !m_problemByRoute.contains(problem.route))
            m_problemByRoute.insert(problem.route, problem.message);
    }
    rebuild();
}

void RouteCanvas::addEntryPoint(const QString &host, const QString &path)
{
    if (m_entryItems.contains(entryKey(host, path)))
        return;
    m_extraEntries.append({host, path});
    rebuild();
}

void RouteCanvas::rebuild()
{
    const int selected = selectedRoute();
    const QSignalBlocker quiet(scene());
    scene()->clear();
    m_entryItems.clear();
    m_serviceItems.clear();
    m_routeItems.clear();
    m_dragLine = nullptr;
    m_dragFrom = nullptr;

    auto *left = scene()->addSimpleText(tr("Entry points"));
    left->setBrush(Muted);
    left->setPos(0, -28);
    auto *right = scene()->addSimpleText(tr("Services"));
    right->setBrush(Muted);
    right->setPos(ServiceColumn, -28);

    const QList<ProxyConfig::Route> &routes = m_document->routes();
    qreal y = 0;
    const auto addEntry = [&](const QString &host, const QString &path, int route) {
        const QString key = entryKey(host, path);
        if (m_entryItems.contains(key))
            return;
        QString subtitle = tr("not routed yet: drag to a service");
        if (route >= 0) {
            const ProxyConfig::Route &r = routes.at(route);
            subtitle = r.certificate.isEmpty() ? tr("HTTP") : tr("HTTPS · certificate %1").arg(r.certificate);
            if (r.redirectToHttps)
                subtitle += tr(" · redirects to HTTPS");
            if (r.stripPrefix)
                subtitle += tr(" · strips %1").arg(r.path);
        }
        auto *item = box(scene(), 0, y, path == QLatin1String("/") ? host : host + path, subtitle, Qt::white,
                         route < 0);
        item->setData(KindData, EntryKind);
        item->setData(HostData, host);
        item->setData(PathData, path);
        item->setData(RouteData, route);
        item->setToolTip(m_problemByRoute.value(route));
        m_entryItems.insert(key, item);
        y += BoxHeight + RowGap;
    };
    for (int i = 0; i < routes.size(); ++i)
        addEntry(routes.at(i).host, routes.at(i).path, i);
    for (const auto &[host, path] : std::as_const(m_extraEntries)) {
        if (m_document->indexOf(host, path) < 0)
            addEntry(host, path, -1);
    }

    if (m_entryItems.isEmpty()) {
        auto *hint = scene()->addSimpleText(tr("None yet: New entry point…, or Open… a configuration."));
        hint->setBrush(Muted);
        hint->setPos(0, 8);
    }

    qreal serviceY = 0;
    QList<ServiceInfo> services = m_services;
    // A routed service the cluster does not have is drawn too (its route is a problem).
    for (const ProxyConfig::Route &route : routes) {
        if (!route.service.isEmpty() &&
            std::none_of(services.cbegin(), services.cend(),
                         [&](const ServiceInfo &s) { return s.name == route.service; }))
            services << ServiceInfo{route.service, {}, tr("not in the swarm")};
    }
    for (const ServiceInfo &service : std::as_const(services)) {
        QStringList ports;
        for (const quint16 port : service.ports)
            ports << QString::number(port);
        const QString subtitle =
            (ports.isEmpty() ? tr("no ports known") : tr("ports %1").arg(ports.join(u", "))) +
            (service.replicas.isEmpty() ? QString() : QStringLiteral(" · ") + service.replicas);
        auto *item =
            box(scene(), ServiceColumn, serviceY, service.name, subtitle, QColor(0xee, 0xf4, 0xff), false);
        item->setData(KindData, ServiceKind);
        item->setData(ServiceData, service.name);
        item->setFlag(QGraphicsItem::ItemIsSelectable, false);
        m_serviceItems.insert(service.name, item);
        serviceY += BoxHeight + RowGap;
    }

    for (int i = 0; i < routes.size(); ++i) {
        const ProxyConfig::Route &route = routes.at(i);
        QGraphicsRectItem *from = m_entryItems.value(entryKey(route.host, route.path));
        QGraphicsRectItem *to = m_serviceItems.value(route.service);
        if (!from || !to)
            continue; // fixed endpoints: no service to draw to
        const QPointF start = from->pos() + QPointF(BoxWidth, BoxHeight / 2);
        const QPointF end = to->pos() + QPointF(0, BoxHeight / 2);
        QPainterPath path(start);
        path.cubicTo(start + QPointF(120, 0), end - QPointF(120, 0), end);
        const bool problem = m_problemByRoute.contains(i);
        auto *curve = scene()->addPath(path, QPen(problem ? Problem : Line, 2.4));
        curve->setData(KindData, RouteKind);
        curve->setData(RouteData, i);
        curve->setFlag(QGraphicsItem::ItemIsSelectable);
        curve->setToolTip(problem
                              ? m_problemByRoute.value(i)
                              : tr("%1 → %2:%3").arg(route.host + route.path, route.service).arg(route.port));
        auto *port = scene()->addSimpleText(QStringLiteral(":%1").arg(route.port));
        port->setBrush(problem ? Problem : Line);
        port->setPos(end - QPointF(48, 20));
        m_routeItems.insert(i, curve);
        if (problem)
            from->setPen(QPen(Problem, 1.6));
    }
    scene()->setSceneRect(scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20));
    if (selected >= 0)
        selectRoute(selected);
}

int RouteCanvas::selectedRoute() const
{
    for (QGraphicsItem *item : scene()->selectedItems()) {
        const int route = item->data(RouteData).isValid() ? item->data(RouteData).toInt() : -1;
        if (route >= 0 &&
            (item->data(KindData).toInt() == RouteKind || item->data(KindData).toInt() == EntryKind))
            return route;
    }
    return -1;
}

void RouteCanvas::selectRoute(int index)
{
    scene()->clearSelection();
    if (QGraphicsItem *item = m_routeItems.value(index))
        item->setSelected(true);
}

QPoint RouteCanvas::entryPointPosition(const QString &host, const QString &path) const
{
    const QGraphicsRectItem *item = m_entryItems.value(entryKey(host, path));
    return item ? mapFromScene(item->sceneBoundingRect().center()) : QPoint();
}

QPoint RouteCanvas::servicePosition(const QString &service) const
{
    const QGraphicsRectItem *item = m_serviceItems.value(service);
    return item ? mapFromScene(item->sceneBoundingRect().center()) : QPoint();
}

QGraphicsRectItem *RouteCanvas::itemAt(const QPoint &viewPosition, int kind) const
{
    for (QGraphicsItem *item : items(viewPosition)) {
        for (QGraphicsItem *candidate = item; candidate; candidate = candidate->parentItem()) {
            if (candidate->data(KindData).toInt() == kind)
                return static_cast<QGraphicsRectItem *>(candidate);
        }
    }
    return nullptr;
}

void RouteCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (QGraphicsRectItem *entry = itemAt(event->position().toPoint(), EntryKind)) {
            m_dragFrom = entry;
            const QPointF start = entry->pos() + QPointF(BoxWidth, BoxHeight / 2);
            m_dragLine = scene()->addLine(QLineF(start, mapToScene(event->position().toPoint())),
                                          QPen(Line, 2, Qt::DashLine));
        }
    }
    QGraphicsView::mousePressEvent(event);
}

void RouteCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragLine) {
        QLineF line = m_dragLine->line();
        line.setP2(mapToScene(event->position().toPoint()));
        m_dragLine->setLine(line);
    }
    QGraphicsView::mouseMoveEvent(event);
}

void RouteCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    QGraphicsRectItem *from = std::exchange(m_dragFrom, nullptr);
    if (m_dragLine) {
        delete std::exchange(m_dragLine, nullptr);
        if (QGraphicsRectItem *service = itemAt(event->position().toPoint(), ServiceKind); service && from) {
            const QString host = from->data(HostData).toString();
            const QString path = from->data(PathData).toString();
            const QString name = service->data(ServiceData).toString();
            QGraphicsView::mouseReleaseEvent(event);
            emit routeRequested(host, path, name); // may rebuild the scene: last
            return;
        }
    }
    QGraphicsView::mouseReleaseEvent(event);
}

} // namespace cape
