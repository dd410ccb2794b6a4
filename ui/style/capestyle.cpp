#include "capestyle.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace cape {

void applyCapeStyle(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette palette = app.palette();
    palette.setColor(QPalette::Window, QColor(0xf6, 0xf8, 0xfa));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf3, 0xf5, 0xf8));
    palette.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xeb));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Button, QColor(0xf6, 0xf8, 0xfa));
    app.setPalette(palette);
    app.setStyleSheet(QStringLiteral(R"(
QListWidget#sidebar { background: #1c2128; color: #c9d1d9; border: none; font-size: 10.5pt; outline: 0; }
QListWidget#sidebar::item { padding: 7px 14px; border-left: 3px solid transparent; }
QListWidget#sidebar::item:selected { background: #2d333b; color: white; border-left: 3px solid #58a6ff; }
QListWidget#sidebar::item:hover:!selected { background: #262c34; }
QLabel#sidebarTitle { background: #1c2128; color: white; font-size: 15pt; font-weight: 600; padding: 14px 14px 4px 14px; }
QLabel#sidebarCluster { background: #1c2128; color: #8b949e; padding: 0 14px 12px 14px; }
QComboBox#clusterSwitcher { background: #2d333b; color: #e6edf3; border: 1px solid #444c56; border-radius: 4px; padding: 4px 8px; margin: 0 10px 10px 10px; }
QComboBox#clusterSwitcher QAbstractItemView { background: white; color: #1f2328; }
QLabel#viewTitle { font-size: 15pt; font-weight: 600; }
QLabel#viewCount { color: #57606a; }
QLabel#viewNote { color: #57606a; }
QLabel#banner { background: #fff4e5; color: #6b4700; border-bottom: 1px solid #e3b341; padding: 8px 12px; }
QLabel#message[severity="error"] { background: #ffebe9; color: #82071e; border: 1px solid #ff818266; border-radius: 4px; padding: 6px 10px; }
QLabel#message[severity="info"] { background: #ddf4ff; color: #0a3069; border: 1px solid #54aeff66; border-radius: 4px; padding: 6px 10px; }
QFrame#statCard { background: white; border: 1px solid #d0d7de; border-radius: 6px; }
QLabel#statValue { font-size: 22pt; font-weight: 600; }
QLabel#statLabel { color: #57606a; }
QTableView { gridline-color: #eaeef2; selection-background-color: #ddf4ff; selection-color: #1f2328; }
QHeaderView::section { background: #f6f8fa; border: none; border-bottom: 1px solid #d0d7de; border-right: 1px solid #eaeef2; padding: 5px 6px; font-weight: 600; }
QFrame#emptyState { background: white; border: 1px solid #d0d7de; border-radius: 6px; }
QLabel#emptyTitle { font-size: 13pt; font-weight: 600; }
QPushButton[primary="true"] { background: #1f6feb; color: white; border: 1px solid #1a5fd0; border-radius: 4px; padding: 6px 16px; font-weight: 600; }
QPushButton[primary="true"]:hover { background: #1a5fd0; }
QPushButton[primary="true"]:disabled { background: #8cb4f5; }
QTabWidget::pane { border: 1px solid #d0d7de; border-radius: 4px; }
)"));
}

} // namespace cape
