#pragma once

#include <QWidget>

#include <functional>

class QAbstractItemModel;
class QAction;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QToolBar;

namespace cape {

class DockerReply;
class MessageLabel;
class TableFilterProxyModel;

// One kind of swarm object: a sortable, filterable table with a detail
// pane beside it, a toolbar and a context menu carrying the same actions,
// and a message line where the outcome of an action is shown.
class ResourceView : public QWidget
{
    Q_OBJECT

public:
    struct Detail
    {
        QString html;    // the summary a person reads
        QString inspect; // the engine's JSON, pretty-printed
    };
    using DetailProvider = std::function<Detail(const QString &id)>;

    ResourceView(const QString &title, QAbstractItemModel *model, QWidget *parent = nullptr);

    QString title() const { return m_title; }
    QTableView *table() const { return m_table; }
    TableFilterProxyModel *proxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; }
    MessageLabel *messageLabel() const { return m_message; }

    void setStateColumns(const QList<int> &columns);
    // Columns as wide as their contents (within reason); done once by
    // itself, on the first rows.
    void fitColumns();
    void setDetailProvider(DetailProvider provider);
    // A tab beside Summary and Inspect (the tasks of a node or service).
    void addDetailTab(QWidget *widget, const QString &label);
    // Brings a tab added with addDetailTab to the front.
    void showDetailTab(QWidget *widget);

    // Acts on the selected rows: enabled only with a selection.
    void addRowAction(QAction *action);
    // Acts on the view (Create…): always enabled.
    void addViewAction(QAction *action);
    void addSeparator();

    QString currentId() const;
    QStringList selectedIds() const;
    bool selectId(const QString &id);
    void focusFilter();

    void setDetailsVisible(bool visible);
    // Shows the selected object again (its provider has new data for it).
    void refreshDetail();

    void showError(const QString &text);
    void showInfo(const QString &text);
    void clearMessage();
    // Destructive actions always ask first; true when the user agreed.
    bool confirm(const QString &question, const QString &actionLabel);
    // Shows `doing` now, then `done` or the engine's error, here.
    void track(DockerReply *reply, const QString &doing, const QString &done);

signals:
    void currentIdChanged(const QString &id);

private:
    void updateActions();
    void updateCount();

    QString m_title;
    QAbstractItemModel *m_model;
    TableFilterProxyModel *m_proxy;
    QLabel *m_count;
    QLineEdit *m_filter;
    QToolBar *m_toolbar;
    MessageLabel *m_message;
    QTableView *m_table;
    QTabWidget *m_details;
    QTextBrowser *m_summary;
    QPlainTextEdit *m_inspect;
    DetailProvider m_provider;
    QList<QAction *> m_rowActions;
    QString m_detailId;
    bool m_detailDue = false;
    bool m_columnsSized = false;
};

} // namespace cape
