<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>cape::ClusterVisualizer</name>
    <message numerus="yes">
        <source>%1 · %n task(s)</source>
        <translation>
            <numerusform>%1 · %n task</numerusform>
            <numerusform>%1 · %n tasks</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %n task(s)</source>
        <translation>
            <numerusform>%1 · %2 · %n task</numerusform>
            <numerusform>%1 · %2 · %n tasks</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::ConnectionsDialog</name>
    <message numerus="yes">
        <source>%n cluster(s) imported.</source>
        <translation>
            <numerusform>%n cluster imported.</numerusform>
            <numerusform>%n clusters imported.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::OverviewView</name>
    <message numerus="yes">
        <source>%n node(s) not ready</source>
        <translation>
            <numerusform>%n node not ready</numerusform>
            <numerusform>%n nodes not ready</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n service(s) degraded or updating</source>
        <translation>
            <numerusform>%n service degraded or updating</numerusform>
            <numerusform>%n services degraded or updating</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>of %n active task(s)</source>
        <translation>
            <numerusform>of %n active task</numerusform>
            <numerusform>of %n active tasks</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::ResourceView</name>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::SwarmView</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::TaskTableModel</name>
    <message numerus="yes">
        <source>%n second(s) ago</source>
        <translation>
            <numerusform>%n second ago</numerusform>
            <numerusform>%n seconds ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
</context>
</TS>
