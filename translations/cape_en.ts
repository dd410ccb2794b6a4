<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message numerus="yes">
        <location filename="../ui/eventsource/jsontreewidget.cpp" line="+24"/>
        <source>[%n item(s)]</source>
        <translation>
            <numerusform>[%n item]</numerusform>
            <numerusform>[%n items]</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{%n key(s)}</source>
        <translation>
            <numerusform>{%n key}</numerusform>
            <numerusform>{%n keys}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::CausalityWidget</name>
    <message numerus="yes">
        <location filename="../ui/eventsource/causalitywidget.cpp" line="+110"/>
        <source>%n event(s) led to %1; the first has no cause recorded.</source>
        <translation>
            <numerusform>%n event led to %1; the first has no cause recorded.</numerusform>
            <numerusform>%n events led to %1; the first has no cause recorded.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::ClusterStore</name>
    <message numerus="yes">
        <location filename="../models/clusterstore.cpp" line="+348"/>
        <source>%1 Retrying in %n s.</source>
        <translation>
            <numerusform>%1 Retrying in %n second.</numerusform>
            <numerusform>%1 Retrying in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::ClusterVisualizer</name>
    <message numerus="yes">
        <location filename="../ui/visualizer/clustervisualizer.cpp" line="+190"/>
        <source>waiting for a node · %n task(s)</source>
        <translation>
            <numerusform>waiting for a node · %n task</numerusform>
            <numerusform>waiting for a node · %n tasks</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%1 · %n task(s)</source>
        <translation>
            <numerusform>%1 · %n task</numerusform>
            <numerusform>%1 · %n tasks</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
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
        <location filename="../ui/connections/connectionsdialog.cpp" line="+63"/>
        <source>%n cluster(s) imported.</source>
        <translation>
            <numerusform>%n cluster imported.</numerusform>
            <numerusform>%n clusters imported.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::DaemonInstaller</name>
    <message numerus="yes">
        <location filename="../services/install/daemoninstaller.cpp" line="+337"/>
        <source>Removing %n route document(s) published to the proxy</source>
        <translation>
            <numerusform>Removing %n route document published to the proxy</numerusform>
            <numerusform>Removing %n route documents published to the proxy</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::DaemonsView</name>
    <message numerus="yes">
        <location filename="../ui/install/daemonsview.cpp" line="+177"/>
        <source>Installed as the stack &quot;cape&quot;: %n service(s), image %1.</source>
        <translation>
            <numerusform>Installed as the stack &quot;cape&quot;: %n service, image %1.</numerusform>
            <numerusform>Installed as the stack &quot;cape&quot;: %n services, image %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::EventsourceView</name>
    <message numerus="yes">
        <location filename="../ui/eventsource/eventsourceview.cpp" line="+329"/>
        <source>%1 / %2: its %n event(s) merged in order</source>
        <translation>
            <numerusform>%1 / %2: its %n event merged in order</numerusform>
            <numerusform>%1 / %2: its %n events merged in order</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+35"/>
        <source> · %n newer event(s) above</source>
        <translation>
            <numerusform> · %n newer event above</numerusform>
            <numerusform> · %n newer events above</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::InstallWizard</name>
    <message numerus="yes">
        <location filename="../ui/install/installwizard.cpp" line="+370"/>
        <source>&lt;p&gt;Manager engine: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%n node(s), %2 of them manager(s); engines of other nodes known to this window: %3.&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;Manager engine: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%n node, %2 of them manager(s); engines of other nodes known to this window: %3.&lt;/p&gt;</numerusform>
            <numerusform>&lt;p&gt;Manager engine: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%n nodes, %2 of them manager(s); engines of other nodes known to this window: %3.&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+115"/>
        <source>%n replica(s)</source>
        <translation>
            <numerusform>%n replica</numerusform>
            <numerusform>%n replicas</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::LogPanel</name>
    <message numerus="yes">
        <location filename="../ui/logs/logpanel.cpp" line="+327"/>
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n match</numerusform>
            <numerusform>%n matches</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n replica(s)</source>
        <translation>
            <numerusform>%n replica</numerusform>
            <numerusform>%n replicas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%1 of %n replica(s) running</source>
        <translation>
            <numerusform>%1 of %n replica running</numerusform>
            <numerusform>%1 of %n replicas running</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+75"/>
        <source>%n replica(s) hidden</source>
        <translation>
            <numerusform>%n replica hidden</numerusform>
            <numerusform>%n replicas hidden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>Saved %n line(s) to %1.</source>
        <translation>
            <numerusform>Saved %n line to %1.</numerusform>
            <numerusform>Saved %n lines to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::OverviewView</name>
    <message numerus="yes">
        <location filename="../ui/overview/overviewview.cpp" line="+149"/>
        <source>%n node(s) not ready</source>
        <translation>
            <numerusform>%n node not ready</numerusform>
            <numerusform>%n nodes not ready</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>%n service(s) degraded or updating</source>
        <translation>
            <numerusform>%n service degraded or updating</numerusform>
            <numerusform>%n services degraded or updating</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
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
        <location filename="../ui/views/resourceview.cpp" line="+498"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::ServiceProgress</name>
    <message numerus="yes">
        <location filename="../models/serviceprogress.cpp" line="+29"/>
        <source>%1 runs %n replica(s).</source>
        <translation>
            <numerusform>%1 runs %n replica.</numerusform>
            <numerusform>%1 runs %n replicas.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::StatsCollector</name>
    <message numerus="yes">
        <location filename="../models/statscollector.cpp" line="+748"/>
        <source>… and %n more stream(s) being retried</source>
        <translation>
            <numerusform>… and %n more stream being retried</numerusform>
            <numerusform>… and %n more streams being retried</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n stats sample(s) could not be read; the last: %1</source>
        <translation>
            <numerusform>%n stats sample could not be read; the last: %1</numerusform>
            <numerusform>%n stats samples could not be read; the last: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::StatsView</name>
    <message numerus="yes">
        <location filename="../ui/stats/statsview.cpp" line="+371"/>
        <location line="+29"/>
        <source>%n container(s)</source>
        <translation>
            <numerusform>%n container</numerusform>
            <numerusform>%n containers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-28"/>
        <source>%n node(s)</source>
        <translation>
            <numerusform>%n node</numerusform>
            <numerusform>%n nodes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n replica(s)</source>
        <translation>
            <numerusform>%n replica</numerusform>
            <numerusform>%n replicas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n CPU(s), %1</source>
        <translation>
            <numerusform>%n CPU, %1</numerusform>
            <numerusform>%n CPUs, %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+56"/>
        <source>%1 of %n container(s) measured so far</source>
        <translation>
            <numerusform>%1 of %n container measured so far</numerusform>
            <numerusform>%1 of %n containers measured so far</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n engine(s) not answering yet</source>
        <translation>
            <numerusform>%n engine not answering yet</numerusform>
            <numerusform>%n engines not answering yet</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::SwarmView</name>
    <message numerus="yes">
        <location filename="../ui/swarm/swarmview.cpp" line="+207"/>
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
        <location filename="../models/tasktablemodel.cpp" line="+44"/>
        <source>%n second(s) ago</source>
        <translation>
            <numerusform>%n second ago</numerusform>
            <numerusform>%n seconds ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::TemplatePanel</name>
    <message numerus="yes">
        <location filename="../ui/deploy/templatepanel.cpp" line="+349"/>
        <source>%n field(s) change</source>
        <translation>
            <numerusform>%n field changes</numerusform>
            <numerusform>%n fields change</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>A deployment would change %n service(s) (nothing is applied by a dry run).</source>
        <translation>
            <numerusform>A deployment would change %n service (nothing is applied by a dry run).</numerusform>
            <numerusform>A deployment would change %n services (nothing is applied by a dry run).</numerusform>
        </translation>
    </message>
</context>
</TS>
