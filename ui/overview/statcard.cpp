#include "statcard.h"

#include "ui/style/statecolors.h"

#include <QLabel>
#include <QVBoxLayout>

namespace cape {

StatCard::StatCard(const QString &caption, QWidget *parent)
    : QFrame(parent)
    , m_value(new QLabel(QStringLiteral("–"), this))
    , m_caption(new QLabel(caption, this))
    , m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("statCard"));
    m_value->setObjectName(QStringLiteral("statValue"));
    m_caption->setObjectName(QStringLiteral("statLabel"));
    m_detail->setObjectName(QStringLiteral("statLabel"));
    m_detail->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    layout->addStretch(1);
    setMinimumWidth(200);
}

void StatCard::setValue(const QString &value, const QString &detail, const QString &state)
{
    m_value->setText(value);
    m_value->setStyleSheet(QStringLiteral("color: %1").arg(StateColors::of(state).name()));
    m_severity = StateColors::severity(state);
    m_detail->setText(detail);
}

QString StatCard::value() const
{
    return m_value->text();
}

QString StatCard::detail() const
{
    return m_detail->text();
}

} // namespace cape
