#pragma once

#include "models/errortext.h"

#include <QHash>
#include <QTimer>
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
    // Columns the header's menu may show or hide; these start hidden (what
    // the detail pane shows anyway) until the user chooses otherwise.
    void setOptionalColumns(const QList<int> &hiddenByDefault);
    // A line under the title: what the table holds ("every event since …").
    void setNote(const QString &text);
    // What an empty table says instead of an empty grid ("No configs yet:
    // Create… makes one"); a filter that hides every row says so itself.
    void setPlaceholder(const QString &text);
    QString placeholderShown() const;
    // Columns as wide as their contents (within reason); done by itself on
    // the first rows, and columns widen as contents grow until the user
    // resizes one.
    void fitColumns();
    // The widest a fitted column gets (default 320 px).
    void setMaximumColumnWidth(int column, int width);
    // Widths that fit `available`: the widest columns give way first, none
    // below its least; the wanted ones when they fit as they are.
    static QList<int> shareWidth(const QList<int> &wanted, const QList<int> &least, int available);
    void setDetailProvider(DetailProvider provider);
    // A tab beside Summary and Inspect (the tasks of a node or service).
    void addDetailTab(QWidget *widget, const QString &label);
    // Brings a tab added with addDetailTab to the front.
    void showDetailTab(QWidget *widget);

    // Acts on the selected rows: enabled only with a selection.
    void addRowAction(QAction *action);
    // Acts on the view (Create…): always enabled.
    void addViewAction(QAction *action);
    // The actions on selected rows, in toolbar order (the palette offers them per object).
    const QList<QAction *> &rowActions() const { return m_rowActions; }
    void addSeparator();
    // Off while the cluster cannot take actions (not connected, not a
    // manager): every action greyed out, whatever the selection.
    void setActionsAvailable(bool available);

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
    // Shows `doing` now, then `done` (for a while) or the engine's error
    // (until dismissed), here.
    void track(DockerReply *reply, const QString &doing, const QString &done);
    // The engine's error in the user's terms, its own words under Details.
    void showEngineError(const DockerError &error);
    // How IDs in the engine's messages are named (nodes, services…).
    void setNameResolver(ErrorText::NameOf nameOf);

signals:
    void currentIdChanged(const QString &id);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void updateActions();
    void updateCount();
    int maxWidthOf(int column) const;
    QString columnsKey() const;
    void columnMenu(const QPoint &globalPos);
    void scheduleWiden();
    void widenColumns();

    QString m_title;
    QAbstractItemModel *m_model;
    TableFilterProxyModel *m_proxy;
    QLabel *m_count;
    QLabel *m_note;
    QLabel *m_empty;
    QString m_placeholder;
    QLineEdit *m_filter;
    QToolBar *m_toolbar;
    MessageLabel *m_message;
    QTableView *m_table;
    QTabWidget *m_details;
    QTextBrowser *m_summary;
    QPlainTextEdit *m_inspect;
    DetailProvider m_provider;
    ErrorText::NameOf m_nameOf;
    QList<QAction *> m_rowActions;
    QList<QAction *> m_viewActions;
    bool m_actionsAvailable = true;
    QString m_detailId;
    bool m_detailDue = false;
    bool m_columnsSized = false;
    bool m_userSized = false;
    bool m_fittedShown = false;
    bool m_headerPressed = false;
    QHash<int, int> m_maxWidth;
    QTimer m_widenTimer;
};

} // namespace cape
