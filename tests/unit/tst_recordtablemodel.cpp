#include "models/recordtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace cape;

namespace {

struct Item
{
    QString id;
    quint64 version = 0;
    QString group;
};

// The smallest concrete model over the template: one column, the id.
class ItemModel : public RecordTableModel<Item>
{
public:
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : 1; }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid())
            return {};
        return role == Qt::DisplayRole || role == IdRole ? QVariant(at(index.row()).id) : QVariant();
    }
};

QList<Item> items(int from, int to, quint64 version, const QString &group = {})
{
    QList<Item> out;
    for (int i = from; i < to; ++i)
        out.append({QString::number(i), version, group});
    return out;
}

QStringList ids(const ItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.at(row).id;
    return out;
}

} // namespace

class TestRecordTableModel : public QObject
{
    Q_OBJECT

private slots:
    void upsertUpdatesOneRowAndIgnoresStaleVersions()
    {
        ItemModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.replaceAll(items(0, 5, 10));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.upsert({QStringLiteral("3"), 11, QStringLiteral("x")}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 3);
        QVERIFY(!model.upsert({QStringLiteral("3"), 9, QStringLiteral("old")}));
        QVERIFY(!model.upsert({QStringLiteral("3"), 11, QStringLiteral("same version")}));
        QCOMPARE(model.find(QStringLiteral("3"))->group, QStringLiteral("x"));
        QCOMPARE(changed.size(), 1);
    }

    void replaceAllRemovesInBlocksAndKeepsNewerRows()
    {
        ItemModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.replaceAll(items(0, 10, 10));
        // Created by an event after the engine answered the next listing.
        QVERIFY(model.upsert({QStringLiteral("late"), 50, {}}));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QList<Item> listing = items(0, 2, 20) + items(8, 10, 20);
        model.replaceAll(listing);
        QCOMPARE(ids(model), (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("8"), QStringLiteral("9"),
                                          QStringLiteral("late")}));
        QCOMPARE(removed.size(), 1); // rows 2..7, one block
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.rowOf(QStringLiteral("9")), 3);
    }

    void replaceAllWithinAScopeLeavesOtherRowsAlone()
    {
        ItemModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.replaceAll(items(0, 3, 1, QStringLiteral("a")) + items(3, 6, 1, QStringLiteral("b")));
        // A fresh listing of group b's items only.
        model.replaceAll(items(4, 5, 2, QStringLiteral("b")), [](const Item &item) { return item.group != QLatin1String("b"); });
        QCOMPARE(ids(model), (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("4")}));
    }

    void tenThousandRowsResyncWithoutReset()
    {
        // No tester here: it re-checks the whole model on every signal.
        ItemModel model;
        model.replaceAll(items(0, 10000, 1));
        QList<Item> every_other;
        for (int i = 0; i < 10000; i += 2)
            every_other.append({QString::number(i), 2, {}});
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.replaceAll(every_other);
        QCOMPARE(model.rowCount(), 5000);
        QCOMPARE(removed.size(), 5000);
        QCOMPARE(model.rowOf(QStringLiteral("9998")), 4999);
    }
};

QTEST_GUILESS_MAIN(TestRecordTableModel)
#include "tst_recordtablemodel.moc"
