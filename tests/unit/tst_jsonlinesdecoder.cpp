#include "services/docker/jsonlinesdecoder.h"

#include <QTest>

using cape::JsonLinesDecoder;

class TestJsonLinesDecoder : public QObject
{
    Q_OBJECT

    // Two events as the engine sends them on /events.
    const QByteArray m_wire = "{\"Type\":\"service\",\"Action\":\"update\",\"Actor\":{\"ID\":\"s1\"}}\n"
                              "{\"Type\":\"node\",\"Action\":\"update\",\"Actor\":{\"ID\":\"n1\",\"Attributes\":"
                              "{\"availability.new\":\"drain\"}}}\n";

private slots:
    void everySplitYieldsTheSameEvents()
    {
        for (qsizetype split = 0; split <= m_wire.size(); ++split) {
            JsonLinesDecoder decoder;
            auto first = decoder.feed(m_wire.left(split));
            const auto second = decoder.feed(m_wire.mid(split));
            first.objects += second.objects;
            QVERIFY(first.errors.isEmpty() && second.errors.isEmpty());
            QCOMPARE(first.objects.size(), 2);
            QCOMPARE(first.objects[0].value(QLatin1String("Type")).toString(), QStringLiteral("service"));
            QCOMPARE(first.objects[1]
                         .value(QLatin1String("Actor"))
                         .toObject()
                         .value(QLatin1String("Attributes"))
                         .toObject()
                         .value(QLatin1String("availability.new"))
                         .toString(),
                     QStringLiteral("drain"));
            QVERIFY(!decoder.hasPartialLine());
        }
    }

    void byteByByte()
    {
        JsonLinesDecoder decoder;
        int objects = 0;
        for (char c : m_wire)
            objects += int(decoder.feed(QByteArray(1, c)).objects.size());
        QCOMPARE(objects, 2);
    }

    void malformedLineIsReportedAndDecodingGoesOn()
    {
        JsonLinesDecoder decoder;
        const auto result = decoder.feed("{\"a\":1}\n{not json}\n[1,2]\n\r\n{\"b\":2}\n");
        QCOMPARE(result.objects.size(), 2);
        QCOMPARE(result.errors.size(), 2);
        QVERIFY(result.errors[0].contains(QLatin1String("{not json}")));
        QVERIFY(result.errors[1].contains(QLatin1String("not a JSON object")));
    }

    void lastObjectWithoutNewlineCountsAtEnd()
    {
        JsonLinesDecoder decoder;
        QVERIFY(decoder.feed("{\"a\":1}").objects.isEmpty());
        QCOMPARE(decoder.finish().objects.size(), 1);
    }

    void truncatedObjectAtEndIsAnError()
    {
        JsonLinesDecoder decoder;
        decoder.feed("{\"a\":");
        const auto result = decoder.finish();
        QVERIFY(result.objects.isEmpty());
        QCOMPARE(result.errors.size(), 1);
    }

    void endlessLineIsCut()
    {
        JsonLinesDecoder decoder;
        const QByteArray chunk(1024 * 1024, 'x');
        QStringList errors;
        for (int i = 0; i < 17; ++i)
            errors += decoder.feed(chunk).errors;
        QCOMPARE(errors.size(), 1);
        QVERIFY(!decoder.hasPartialLine());
        QCOMPARE(decoder.feed("\n{\"ok\":true}\n").objects.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestJsonLinesDecoder)
#include "tst_jsonlinesdecoder.moc"
