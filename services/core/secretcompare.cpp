#include "secretcompare.h"

namespace cape {

bool secretsEqual(const QByteArray &given, const QByteArray &wanted)
{
    if (given.size() != wanted.size())
        return false;
    // Every byte is looked at; the differences only accumulate.
    volatile unsigned char difference = 0;
    for (qsizetype i = 0; i < given.size(); ++i)
        difference =
            difference | (static_cast<unsigned char>(given[i]) ^ static_cast<unsigned char>(wanted[i]));
    return difference == 0;
}

} // namespace cape
