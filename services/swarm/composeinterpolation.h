#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace cape {

// Variable substitution as `docker stack deploy` does it on compose values:
// $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message},
// ${VAR?message}, ${VAR:+replacement}, ${VAR+replacement} (defaults may nest
// further substitutions) and $$ for a literal dollar.
class ComposeInterpolation
{
public:
    ComposeInterpolation() = default;
    explicit ComposeInterpolation(const QProcessEnvironment &environment);

    struct Result
    {
        QString text;
        QString error;     // set on bad syntax or a required variable without a value
        QStringList unset; // variables used without a value or default (they become "")
        bool ok() const { return error.isEmpty(); }
    };

    Result interpolate(const QString &text) const;

    const QProcessEnvironment &environment() const { return m_environment; }

private:
    bool expand(QStringView text, QString *out, Result *result) const;
    bool expandBraced(QStringView inner, QString *out, Result *result) const;

    QProcessEnvironment m_environment;
};

} // namespace cape
