<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ListenersCommand</name>
    <message>
        <location filename="../ui/routes/listenerscommand.cpp" line="+11"/>
        <source>Change listeners and certificates</source>
        <translation>リスナーと証明書の変更</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/deploy/templatepanel.cpp" line="+70"/>
        <source>the working copy&apos;s files are larger than 32 MiB in all</source>
        <translation>作業コピーのファイルが合計 32 MiB を超えています</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/eventsource/jsontreewidget.cpp" line="+24"/>
        <source>[%n item(s)]</source>
        <translation>
            <numerusform>[%n 項目]</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{%n key(s)}</source>
        <translation>
            <numerusform>{%n キー}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::CausalityWidget</name>
    <message>
        <location filename="../ui/eventsource/causalitywidget.cpp" line="+27"/>
        <source>Event</source>
        <translation>イベント</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Double-click an event to follow its own causes and consequences</source>
        <translation>イベントをダブルクリックすると、その原因と結果をさらにたどれます</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Following the rid links of %1 …</source>
        <translation>%1 の rid リンクをたどっています…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The causes could not be read: %1</source>
        <translation>原因を読み取れませんでした: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 names no cause (no rid).</source>
        <translation>%1 には原因が記録されていません（rid なし）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 names a cause that is no longer stored (%2).</source>
        <translation>%1 の原因は既に保存されていません（%2）。</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n event(s) led to %1; the first has no cause recorded.</source>
        <translation>
            <numerusform>%n 件のイベントを経て %1 に至りました。最初のイベントには原因が記録されていません。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What followed is looked for in its process and in processes whose parent it is.</source>
        <translation>後続イベントは、このプロセスと、このプロセスを親とするプロセスから検索されます。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Could not read what followed: %1</source>
        <translation>後続イベントを読み取れませんでした: %1</translation>
    </message>
</context>
<context>
    <name>cape::CertificateTableModel</name>
    <message>
        <location filename="../models/certificatetablemodel.cpp" line="+139"/>
        <source>1 day</source>
        <translation>1 日</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 days</source>
        <translation>%1 日</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Valid, %1 left</source>
        <translation>有効（残り %1）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Expires today</source>
        <translation>本日期限切れ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Expires in %1</source>
        <translation>%1 後に期限切れ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expired %1 ago</source>
        <translation>%1 前に期限切れ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not valid before %1</source>
        <translation>%1 より前は無効</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>certificate authority</source>
        <translation>認証局</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>self-signed</source>
        <translation>自己署名</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+72"/>
        <source>%1, in keychain</source>
        <translation>%1（キーチェーン内）</translation>
    </message>
    <message>
        <location line="-70"/>
        <location line="+72"/>
        <source>workstation</source>
        <translation>ローカル</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>in a swarm secret</source>
        <translation>Swarm シークレット内</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>swarm, not mounted</source>
        <translation>Swarm（未マウント）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>swarm: %1</source>
        <translation>Swarm: %1</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>external CA</source>
        <translation>外部 CA</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Awaiting the CA&apos;s certificate</source>
        <translation>CA からの証明書待ち</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Serves</source>
        <translation>対象名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Issuer</source>
        <translation>発行者</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Key</source>
        <translation>鍵</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where</source>
        <translation>保存場所</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expires</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
</context>
<context>
    <name>cape::CertificatesView</name>
    <message>
        <location filename="../ui/certificates/certificatesview.cpp" line="+81"/>
        <location line="+128"/>
        <source>Certificates</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="-119"/>
        <source>No certificates yet. New… makes a key and a certificate (or a signing request for your CA); Import… takes a PEM certificate and its key. Keys stay in the system keychain.</source>
        <translation>証明書はまだありません。「新規…」で鍵と証明書（または CA への署名要求）を作り、「インポート…」で PEM の証明書と鍵を取り込みます。鍵はシステムのキーチェーンに保管されます。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New…</source>
        <translation>新規…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import…</source>
        <translation>インポート…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export…</source>
        <translation>エクスポート…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Publish to the swarm…</source>
        <translation>Swarm に公開…</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+389"/>
        <location line="+11"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="-392"/>
        <source>&quot;%1&quot; is stored; its private key is in the keychain.</source>
        <translation>「%1」を保存しました。秘密鍵はキーチェーンにあります。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&quot;%1&quot; is stored (a certificate without its key).</source>
        <translation>「%1」を保存しました（秘密鍵なしの証明書）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The key of &quot;%1&quot; is in the keychain. Export its signing request, send it to your CA, and import the certificate the CA returns: it is matched to this key.</source>
        <translation>「%1」の秘密鍵はキーチェーンにあります。署名要求をエクスポートして CA に送り、CA から返された証明書をインポートしてください。証明書はこの秘密鍵と照合されます。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>On the swarm</source>
        <translation>Swarm 上</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+13"/>
        <location line="+21"/>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Serves</source>
        <translation>対象名</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+39"/>
        <source>Valid until</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>Secret</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mounted in</source>
        <translation>マウント先</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no service</source>
        <translation>サービスなし</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A secret&apos;s data cannot be read back: what is shown comes from its labels.</source>
        <translation>シークレットのデータは読み戻せません。表示内容はラベルから取得したものです。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Signing request</source>
        <translation>署名要求</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Awaiting the CA&apos;s certificate</source>
        <translation>CA からの証明書待ち</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+21"/>
        <source>Subject</source>
        <translation>サブジェクト</translation>
    </message>
    <message>
        <location line="-20"/>
        <location line="+21"/>
        <source>DNS names</source>
        <translation>DNS 名</translation>
    </message>
    <message>
        <location line="-20"/>
        <location line="+21"/>
        <source>IP addresses</source>
        <translation>IP アドレス</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Made</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signature</source>
        <translation>署名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>valid</source>
        <translation>有効</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>invalid</source>
        <translation>無効</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+25"/>
        <source>Key</source>
        <translation>鍵</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+25"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+25"/>
        <source>Private key</source>
        <translation>秘密鍵</translation>
    </message>
    <message>
        <location line="-25"/>
        <location line="+25"/>
        <source>in the OS keychain</source>
        <translation>OS のキーチェーン内</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Export the request (.csr) and send it to your CA. Import the certificate it returns (and its chain): Cape matches it to this key.</source>
        <translation>署名要求（.csr）をエクスポートして CA に送ってください。返された証明書（とそのチェーン）をインポートすると、Cape がこの秘密鍵と照合します。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Certificate</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Issuer</source>
        <translation>発行者</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 (self-signed)</source>
        <translation>%1（自己署名）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authority</source>
        <translation>認証局</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>yes: it can sign certificates</source>
        <translation>はい（証明書に署名できます）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid from</source>
        <translation>有効期間の開始</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Serial</source>
        <translation>シリアル番号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>not stored here</source>
        <translation>ここには保存されていません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Chain</source>
        <translation>チェーン</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Verification</source>
        <translation>検証</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>verifies for TLS servers</source>
        <translation>TLS サーバー用として検証済み</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Making &quot;%1&quot;…</source>
        <translation>「%1」を作成しています…</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+26"/>
        <source>Cannot make &quot;%1&quot;: %2</source>
        <translation>「%1」を作成できません: %2</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Cannot keep &quot;%1&quot;: %2</source>
        <translation>「%1」を保存できません: %2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cannot make &quot;%1&quot;: the certificate authority is gone</source>
        <translation>「%1」を作成できません: 認証局が見つかりません</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+6"/>
        <location line="+15"/>
        <source>Import a certificate</source>
        <translation>証明書のインポート</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Certificates and keys (*.pem *.crt *.cer *.key *.p12 *.pfx);;All files (*)</source>
        <translation>証明書と鍵 (*.pem *.crt *.cer *.key *.p12 *.pfx);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name in the list:</source>
        <translation>一覧での名前:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Password of the PKCS#12 file:</source>
        <translation>PKCS#12 ファイルのパスワード:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Passphrase of the key:</source>
        <translation>秘密鍵のパスフレーズ:</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み取れません: %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot import %1: %2</source>
        <translation>%1 をインポートできません: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot import &quot;%1&quot;: %2</source>
        <translation>「%1」をインポートできません: %2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot store &quot;%1&quot;: %2</source>
        <translation>「%1」を保存できません: %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&quot;%1&quot; is on the swarm only: its secrets are in the Secrets view.</source>
        <translation>「%1」は Swarm 上にのみあります。そのシークレットはシークレット ビューにあります。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&quot;%1&quot; is awaiting its certificate from the CA: import it first.</source>
        <translation>「%1」は CA からの証明書を待っています。先に証明書をインポートしてください。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>&quot;%1&quot; has no private key here: import it with its key to publish it.</source>
        <translation>「%1」の秘密鍵はここにありません。公開するには秘密鍵と一緒にインポートしてください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publish &quot;%1&quot; to the swarm</source>
        <translation>「%1」を Swarm に公開</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name in the proxy&apos;s configuration</source>
        <translation>プロキシ設定での名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its chain and key become swarm secrets, mounted into the service as /run/secrets/&lt;name&gt;.crt and .key; the service rolls to new tasks.</source>
        <translation>チェーンと秘密鍵は Swarm シークレットになり、/run/secrets/&lt;name&gt;.crt と .key としてサービスにマウントされます。サービスは新しいタスクに順次切り替わります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The swarm has no service to publish to.</source>
        <translation>Swarm に公開先のサービスがありません。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot publish: no certificate or no cluster</source>
        <translation>公開できません: 証明書またはクラスターがありません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Publishing &quot;%1&quot;…</source>
        <translation>「%1」を公開しています…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot publish &quot;%1&quot;: %2</source>
        <translation>「%1」を公開できません: %2</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Export the signing request</source>
        <translation>署名要求のエクスポート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signing requests (*.csr *.pem)</source>
        <translation>署名要求 (*.csr *.pem)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export the certificate and its chain</source>
        <translation>証明書とチェーンのエクスポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PEM (*.pem *.crt)</source>
        <translation>PEM (*.pem *.crt)</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+15"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>The certificate and its chain are in %1 (the private key stays in the keychain).</source>
        <translation>証明書とチェーンを %1 に保存しました（秘密鍵はキーチェーンに残ります）。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The signing request of &quot;%1&quot; is in %2: send it to your CA.</source>
        <translation>「%1」の署名要求を %2 に保存しました。CA に送ってください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Remove the signing request &quot;%1&quot;? Its private key is deleted from the keychain, so the certificate the CA returns for it can no longer be used.</source>
        <translation>署名要求「%1」を削除しますか？ 秘密鍵がキーチェーンから削除されるため、CA から返される証明書は使えなくなります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+11"/>
        <source>&quot;%1&quot; is removed.</source>
        <translation>「%1」を削除しました。</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Remove &quot;%1&quot;? Its private key is deleted from the keychain.</source>
        <translation>「%1」を削除しますか？ 秘密鍵がキーチェーンから削除されます。</translation>
    </message>
</context>
<context>
    <name>cape::ClusterStore</name>
    <message>
        <location filename="../models/clusterstore.cpp" line="+190"/>
        <source>Connecting to %1…</source>
        <translation>%1 に接続しています…</translation>
    </message>
    <message>
        <location line="+121"/>
        <source>the engine ended the event stream</source>
        <translation>エンジンがイベント ストリームを終了しました</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>%1 Retrying in %n s.</source>
        <translation>
            <numerusform>%1 %n 秒後に再試行します。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+96"/>
        <source>Connected to %1 (%2) — Docker %3, API %4</source>
        <translation>%1 (%2) に接続済み — Docker %3、API %4</translation>
    </message>
    <message>
        <location line="+417"/>
        <source>its event stream ended</source>
        <translation>イベント ストリームが終了しました</translation>
    </message>
</context>
<context>
    <name>cape::ClusterVisualizer</name>
    <message>
        <location filename="../ui/visualizer/clustervisualizer.cpp" line="+162"/>
        <source>No nodes yet.</source>
        <translation>ノードはまだありません。</translation>
    </message>
    <message numerus="yes">
        <location line="+28"/>
        <source>waiting for a node · %n task(s)</source>
        <translation>
            <numerusform>ノード待ち · %n 個のタスク</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%1 · %n task(s)</source>
        <translation>
            <numerusform>%1 · %n タスク</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%1 · %2 · %n task(s)</source>
        <translation>
            <numerusform>%1 · %2 · %n タスク</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::CommandPalette</name>
    <message>
        <location filename="../ui/palette/commandpalette.cpp" line="+46"/>
        <source>Go to a view, node, service or task, or run an action…</source>
        <translation>ビュー、ノード、サービス、タスクに移動、またはアクションを実行…</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>  No matches for “%1”</source>
        <translation>  「%1」に一致するものはありません</translation>
    </message>
</context>
<context>
    <name>cape::ConnectionForm</name>
    <message>
        <location filename="../ui/connections/connectionform.cpp" line="+26"/>
        <source>TLS with a client certificate</source>
        <translation>クライアント証明書による TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify the engine&apos;s certificate</source>
        <translation>エンジンの証明書を検証する</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Node (hostname or ID)</source>
        <translation>ノード（ホスト名または ID）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Engine endpoint</source>
        <translation>エンジン エンドポイント</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add a cluster</source>
        <translation>クラスターの追加</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit %1</source>
        <translation>%1 の編集</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>stored in the keychain — paste or load a key to replace it</source>
        <translation>キーチェーンに保存済み — 置き換えるには鍵を貼り付けるか読み込んでください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>-----BEGIN PRIVATE KEY----- … (kept in the OS keychain only)</source>
        <translation>-----BEGIN PRIVATE KEY----- …（OS のキーチェーンにのみ保存されます）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Load…</source>
        <translation>読み込み…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager endpoint</source>
        <translation>マネージャー エンドポイント</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CA certificate</source>
        <translation>CA 証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client certificate</source>
        <translation>クライアント証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client key</source>
        <translation>クライアント鍵</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Per-node engines (optional): container events, logs and stats of other nodes</source>
        <translation>ノードごとのエンジン（任意）: 他のノードのコンテナ イベント、ログ、統計</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM ファイル (*.pem *.crt *.key);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み取れません: %2</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>A client certificate needs its private key.</source>
        <translation>クライアント証明書には秘密鍵が必要です。</translation>
    </message>
</context>
<context>
    <name>cape::ConnectionsDialog</name>
    <message>
        <location filename="../ui/connections/connectionsdialog.cpp" line="+28"/>
        <source>Clusters</source>
        <translation>クラスター</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Endpoint</source>
        <translation>エンドポイント</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Add…</source>
        <translation>追加…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import docker contexts</source>
        <translation>Docker コンテキストのインポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connect</source>
        <translation>接続</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Remove %1</source>
        <translation>%1 の削除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the cluster %1? Its private key is deleted from the keychain. The cluster itself is not touched.</source>
        <translation>クラスター %1 を削除しますか？ 秘密鍵はキーチェーンから削除されます。クラスター自体には影響しません。</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n cluster(s) imported.</source>
        <translation>
            <numerusform>%n 個のクラスターをインポートしました。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+55"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes, key in keychain</source>
        <translation>はい（鍵はキーチェーン内）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
</context>
<context>
    <name>cape::DaemonInstaller</name>
    <message>
        <location filename="../services/install/daemoninstaller.cpp" line="+86"/>
        <source>Labelling the proxy&apos;s nodes (%1=true)</source>
        <translation>プロキシのノードにラベルを付けています（%1=true）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>reading node %1</source>
        <translation>ノード %1 の読み取り</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>labelling node %1</source>
        <translation>ノード %1 へのラベル付け</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Waiting until every daemon runs and passes its health check</source>
        <translation>すべてのデーモンが起動してヘルスチェックに合格するのを待っています</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+19"/>
        <location line="+61"/>
        <location line="+63"/>
        <source>listing the daemons</source>
        <translation>デーモンの一覧取得</translation>
    </message>
    <message>
        <location line="-140"/>
        <source>Uninstall in the Daemons view removes what was made.</source>
        <translation>作成されたものは「デーモン」ビューのアンインストールで削除できます。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>What the install had made was removed.</source>
        <translation>インストールで作成されたものは削除しました。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>no service of the stack yet</source>
        <translation>スタックのサービスはまだありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Every daemon runs and is healthy (%1 s)</source>
        <translation>すべてのデーモンが正常に動作しています（%1 秒）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>listing the daemons&apos; tasks</source>
        <translation>デーモンのタスクの一覧取得</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1: %2/%3 running; its last task is %4%5</source>
        <translation>%1: %2/%3 が実行中。最新のタスクは %4%5</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not healthy after %1 s: %2</source>
        <translation>%1 秒経過しても正常になりません: %2</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>no daemon of the stack &quot;%1&quot; is installed</source>
        <translation>スタック「%1」のデーモンはインストールされていません</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Every daemon runs %1</source>
        <translation>すべてのデーモンが %1 を実行しています</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 already runs %2</source>
        <translation>%1 は既に %2 を実行しています</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rolling %1 to %2</source>
        <translation>%1 を %2 に更新しています</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>updating %1</source>
        <translation>%1 の更新</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>listing the proxy&apos;s route documents</source>
        <translation>プロキシのルート ドキュメントの一覧取得</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Removing the label %1 from the nodes install gave it</source>
        <translation>インストール時にノードに付けたラベル %1 を削除しています</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Removing %n route document(s) published to the proxy</source>
        <translation>
            <numerusform>プロキシに公開した %n 件のルート ドキュメントを削除しています</numerusform>
        </translation>
    </message>
    <message>
        <location line="+19"/>
        <source>removing the label from node %1: %2</source>
        <translation>ノード %1 からのラベル削除: %2</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>listing the stack&apos;s networks</source>
        <translation>スタックのネットワークの一覧取得</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The daemons are uninstalled</source>
        <translation>デーモンをアンインストールしました</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the network %1 is still there after the stack was removed</source>
        <translation>スタックを削除した後もネットワーク %1 が残っています</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>removing route document %1: %2</source>
        <translation>ルート ドキュメント %1 の削除: %2</translation>
    </message>
</context>
<context>
    <name>cape::DaemonsView</name>
    <message>
        <location filename="../ui/install/daemonsview.cpp" line="+40"/>
        <source>Install…</source>
        <translation>インストール…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upgrade…</source>
        <translation>アップグレード…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uninstall…</source>
        <translation>アンインストール…</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Cape&apos;s daemons</source>
        <translation>Cape のデーモン</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cape&apos;s daemons are not installed on this cluster</source>
        <translation>このクラスターには Cape のデーモンがインストールされていません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;p&gt;The install wizard puts them on the swarm as the stack &quot;cape&quot;, from the image in the package (no registry needed), and waits until each is healthy:&lt;/p&gt;&lt;p&gt;&lt;b&gt;cape-proxyd&lt;/b&gt; — the single TLS entry point: routes by host and path to your services, on the nodes you choose.&lt;br&gt;&lt;b&gt;cape-eventd&lt;/b&gt; — an eventsource server over Redis streams, for the Superhero clients.&lt;br&gt;&lt;b&gt;cape-deployd&lt;/b&gt; — push-to-deploy: watches git repositories and rolls out their templates with zero downtime.&lt;br&gt;&lt;b&gt;cape-agent&lt;/b&gt; — on every node: its containers&apos; stats and logs reach Cape through the one connection it has to a manager.&lt;/p&gt;&lt;p&gt;Uninstalling removes what the wizard created, and nothing else.&lt;/p&gt;</source>
        <translation>&lt;p&gt;インストール ウィザードは、パッケージに同梱のイメージから（レジストリ不要）デーモンをスタック「cape」として Swarm にデプロイし、それぞれが正常になるまで待機します:&lt;/p&gt;&lt;p&gt;&lt;b&gt;cape-proxyd&lt;/b&gt; — 唯一の TLS エントリポイント。選択したノード上で、ホストとパスによってサービスにルーティングします。&lt;br&gt;&lt;b&gt;cape-eventd&lt;/b&gt; — Redis Streams 上のイベントソース サーバー。Superhero クライアント向けです。&lt;br&gt;&lt;b&gt;cape-deployd&lt;/b&gt; — プッシュ デプロイ。Git リポジトリを監視し、そのテンプレートをダウンタイムなしでロールアウトします。&lt;br&gt;&lt;b&gt;cape-agent&lt;/b&gt; — 全ノードで動作。各ノードのコンテナーの統計とログを、マネージャーへの 1 本の接続経由で Cape に届けます。&lt;/p&gt;&lt;p&gt;アンインストールすると、ウィザードが作成したものだけが削除されます。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Activity</source>
        <translation>アクティビティ</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Upgrade the daemons</source>
        <translation>デーモンのアップグレード</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Roll every daemon to the version:</source>
        <translation>すべてのデーモンを次のバージョンに更新:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Uninstall the daemons</source>
        <translation>デーモンのアンインストール</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the stack &quot;%1&quot;: its services, network, configs and secrets, the route documents published to its proxy, and the node labels the install added? Redis&apos;s data volume stays on its node.</source>
        <translation>スタック「%1」を削除しますか？ そのサービス、ネットワーク、コンフィグ、シークレット、プロキシに公開したルート ドキュメント、インストール時に追加したノード ラベルが削除されます。Redis のデータ ボリュームはそのノードに残ります。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Uninstall</source>
        <translation>アンインストール</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Not installed on this cluster.</source>
        <translation>このクラスターにはインストールされていません。</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Installed as the stack &quot;cape&quot;: %n service(s), image %1.</source>
        <translation>
            <numerusform>スタック「cape」としてインストール済み: %n 個のサービス、イメージ %1。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Failed: %1</source>
        <translation>失敗: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Installed</source>
        <translation>インストールしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The installation failed; see the wizard&apos;s steps</source>
        <translation>インストールに失敗しました。ウィザードの各ステップを確認してください</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>cape-deployd answers at %1: the Deploy panel uses it</source>
        <translation>cape-deployd は %1 で応答します: デプロイ パネルはこのアドレスを使います</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Upgrading to %1</source>
        <translation>%1 にアップグレードしています</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Failed: the image is not on every node: %1</source>
        <translation>失敗: 一部のノードにイメージがありません: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Loading %1 onto the nodes that lack it</source>
        <translation>%1 をイメージのないノードに読み込んでいます</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Uninstalling</source>
        <translation>アンインストールしています</translation>
    </message>
</context>
<context>
    <name>cape::DeployStackDialog</name>
    <message>
        <location filename="../ui/stacks/deploystackdialog.cpp" line="+35"/>
        <source>Deploy a stack</source>
        <translation>スタックのデプロイ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. vote</source>
        <translation>例: vote</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paste a compose file (version 3), or open one.</source>
        <translation>Compose ファイル（version 3）を貼り付けるか、ファイルを開いてください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open file…</source>
        <translation>ファイルを開く…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Compose file</source>
        <translation>Compose ファイル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Compose files (*.yml *.yaml);;All files (*)</source>
        <translation>Compose ファイル (*.yml *.yaml);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stack name</source>
        <translation>スタック名</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+18"/>
        <source>Deploy</source>
        <translation>デプロイ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The deploy stopped: %1</source>
        <translation>デプロイが停止しました: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stack %1 deployed.</source>
        <translation>スタック %1 をデプロイしました。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み取れません: %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>A stack name is letters, digits, &apos;-&apos; and &apos;_&apos; (it prefixes every object it creates).</source>
        <translation>スタック名に使えるのは英数字、「-」、「_」です（作成されるすべてのオブジェクトの接頭辞になります）。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>warning: %1</source>
        <translation>警告: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deploying…</source>
        <translation>デプロイしています…</translation>
    </message>
</context>
<context>
    <name>cape::DeployView</name>
    <message>
        <location filename="../ui/deploy/deployview.cpp" line="+14"/>
        <source>Deployments</source>
        <translation>デプロイ履歴</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Template editor</source>
        <translation>テンプレート エディター</translation>
    </message>
</context>
<context>
    <name>cape::DeploydClient</name>
    <message>
        <location filename="../services/deploy/deploydclient.cpp" line="+23"/>
        <source>no cape-deployd address: give http://host:9470</source>
        <translation>cape-deployd のアドレスがありません: http://host:9470 の形式で指定してください</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>cape-deployd at %1 does not answer: %2</source>
        <translation>%1 の cape-deployd が応答しません: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cape-deployd answered %1: %2</source>
        <translation>cape-deployd がステータス %1 を返しました: %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>cape-deployd&apos;s answer is not JSON: %1</source>
        <translation>cape-deployd の応答が JSON ではありません: %1</translation>
    </message>
</context>
<context>
    <name>cape::DeploymentTableModel</name>
    <message>
        <location filename="../models/deploymenttablemodel.cpp" line="+43"/>
        <source>queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unchanged</source>
        <translation>変更なし</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rolled back</source>
        <translation>ロールバック済み</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>superseded</source>
        <translation>置き換え済み</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>rollback to %1</source>
        <translation>%1 へのロールバック</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repository</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Commit</source>
        <translation>コミット</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trigger</source>
        <translation>トリガー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>開始日時</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duration</source>
        <translation>所要時間</translation>
    </message>
</context>
<context>
    <name>cape::EditableTable</name>
    <message>
        <location filename="../ui/services/editabletable.cpp" line="+59"/>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>cape::ErrorText</name>
    <message>
        <location filename="../models/errortext.cpp" line="+55"/>
        <source>the engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 did not answer in time: %2.</source>
        <translation>%1 が時間内に応答しませんでした: %2。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The secure connection to %1 failed: %2.</source>
        <translation>%1 への安全な接続に失敗しました: %2。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 answered with something that is not the Engine API: %2.</source>
        <translation>%1 は Engine API ではない応答を返しました: %2。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot reach %1: %2.</source>
        <translation>%1 に接続できません: %2。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 is still up: make it leave the swarm first (“docker swarm leave” on it), or remove it by force.</source>
        <translation>%1 はまだ稼働中です。先に swarm から離脱させる（そのノードで「docker swarm leave」）か、強制的に削除してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is a manager: demote it to a worker before you remove it.</source>
        <translation>%1 はマネージャーです。削除する前にワーカーに降格してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Someone changed it at the same moment: look at it again and retry.</source>
        <translation>同時に別の変更が行われました。内容を確認してからやり直してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>It no longer exists: %1</source>
        <translation>もう存在しません: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The swarm refused it: %1</source>
        <translation>swarm が拒否しました: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The engine refused it: %1</source>
        <translation>エンジンが拒否しました: %1</translation>
    </message>
</context>
<context>
    <name>cape::EventIndexer</name>
    <message>
        <location filename="../services/eventsource/eventindexer.cpp" line="+152"/>
        <source>%1; reconnecting in %2 ms</source>
        <translation>%1（%2 ms 後に再接続します）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Cannot create the queue&apos;s group: %1</source>
        <translation>キューのグループを作成できません: %1</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>the queue moved to another node of the cluster (%1)</source>
        <translation>キューがクラスターの別のノードに移動しました（%1）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reading the queue failed: %1</source>
        <translation>キューの読み取りに失敗しました: %1</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Reclaiming pending entries failed: %1</source>
        <translation>保留中のエントリの回収に失敗しました: %1</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>A batch of %1 was refused (%2); it stays pending and is retried</source>
        <translation>%1 件のバッチが拒否されました（%2）。保留のまま再試行されます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer</source>
        <translation>応答なし</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Writing %1 failed (%2): %3 event(s) not fully indexed</source>
        <translation>%1 の書き込みに失敗しました（%2）: %3 件のイベントのインデックス作成が完了していません</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>not an event: %1</source>
        <translation>イベントではありません: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>a scheduled event cannot be queued: %1</source>
        <translation>スケジュール済みイベントをキューに入れられません: %1</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Reading the schedule failed: %1</source>
        <translation>スケジュールの読み取りに失敗しました: %1</translation>
    </message>
    <message>
        <location line="+35"/>
        <location filename="../services/eventsource/eventindexercluster.cpp" line="+198"/>
        <source>Reading due scheduled events failed: %1</source>
        <translation>期限が来たスケジュール済みイベントの読み取りに失敗しました: %1</translation>
    </message>
    <message>
        <location line="+33"/>
        <location filename="../services/eventsource/eventindexercluster.cpp" line="+34"/>
        <source>Queueing scheduled events failed: %1</source>
        <translation>スケジュール済みイベントのキュー投入に失敗しました: %1</translation>
    </message>
    <message>
        <location filename="../services/eventsource/eventindexercluster.cpp" line="-100"/>
        <source>A batch of %1 was not indexed (%2); it stays pending and is retried</source>
        <translation>%1 件のバッチのインデックスを作成できませんでした（%2）。保留のまま再試行されます</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Acknowledging a batch failed: %1</source>
        <translation>バッチの確認応答に失敗しました: %1</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Removing queued events from the schedule failed: %1</source>
        <translation>キュー投入済みイベントのスケジュールからの削除に失敗しました: %1</translation>
    </message>
</context>
<context>
    <name>cape::EventLogModel</name>
    <message>
        <location filename="../models/eventlogmodel.cpp" line="+129"/>
        <source>Not following the cluster&apos;s events.</source>
        <translation>クラスターのイベントを受信していません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The newest %1 events of this session, from %2.</source>
        <translation>このセッションの最新 %1 件のイベント（%2 から）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every event since %1, when Cape connected.</source>
        <translation>Cape が接続した %1 以降のすべてのイベント。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every event since %1, when Cape connected; before that, what the engine still kept, from %2.</source>
        <translation>Cape が接続した %1 以降のすべてのイベント。それ以前はエンジンが保持していた分（%2 から）。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Action</source>
        <translation>アクション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Object</source>
        <translation>オブジェクト</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
</context>
<context>
    <name>cape::EventsourceClient</name>
    <message>
        <location filename="../services/eventsource/eventsourceclient.cpp" line="+139"/>
        <source>an event needs a domain, a pid and a name</source>
        <translation>イベントにはドメイン、pid、名前が必要です</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>a scheduled event needs a due time, a domain, a pid and a name</source>
        <translation>スケジュール済みイベントには期限、ドメイン、pid、名前が必要です</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>event %1 is not JSON in pd</source>
        <translation>イベント %1 の pd が JSON ではありません</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>not JSON in pd: %1</source>
        <translation>pd が JSON ではありません: %1</translation>
    </message>
    <message>
        <location line="+358"/>
        <source>no %1 event for %2 in %3 ms</source>
        <translation>%3 ms 以内に %2 の %1 イベントがありません</translation>
    </message>
</context>
<context>
    <name>cape::EventsourceTableModel</name>
    <message>
        <location filename="../models/eventsourcetablemodel.cpp" line="+399"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Domain</source>
        <translation>ドメイン</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parent</source>
        <translation>親</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
</context>
<context>
    <name>cape::EventsourceView</name>
    <message>
        <location filename="../ui/eventsource/eventsourceview.cpp" line="+35"/>
        <source>Connect</source>
        <translation>接続</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Follow</source>
        <translation>追従</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eventsource</source>
        <translation>イベントソース</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Redis host:port</source>
        <translation>Redis の host:port</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Recent events</source>
        <translation>最近のイベント</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A process (domain and pid)</source>
        <translation>プロセス（ドメインと pid）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By pid</source>
        <translation>pid で検索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By parent (ppid)</source>
        <translation>親（ppid）で検索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By name</source>
        <translation>名前で検索</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+91"/>
        <source>Domain</source>
        <translation>ドメイン</translation>
    </message>
    <message>
        <location line="-90"/>
        <source>pid, ppid or name</source>
        <translation>pid、ppid または名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Any time</source>
        <translation>全期間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 15 minutes</source>
        <translation>過去 15 分間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last hour</source>
        <translation>過去 1 時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Between …</source>
        <translation>期間を指定…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>From (inclusive)</source>
        <translation>開始（この時刻を含む）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To (inclusive)</source>
        <translation>終了（この時刻を含む）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Add events the server persists from now on, at the top</source>
        <translation>サーバーがこれから保存するイベントを先頭に追加します</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Parent</source>
        <translation>親</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caused by</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Process state</source>
        <translation>プロセスの状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Causality</source>
        <translation>因果関係</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Give the Redis address as host:port, e.g. 127.0.0.1:6379</source>
        <translation>Redis のアドレスを host:port の形式で指定してください（例: 127.0.0.1:6379）</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>The range ends before it begins</source>
        <translation>期間の終了が開始より前です</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Say which pid, ppid or name to show</source>
        <translation>表示する pid、ppid または名前を指定してください</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A process is named by its domain and its pid</source>
        <translation>プロセスはドメインと pid で指定します</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Loading the state of %1 / %2 …</source>
        <translation>%1 / %2 の状態を読み込んでいます…</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%1 / %2: its %n event(s) merged in order</source>
        <translation>
            <numerusform>%1 / %2: %n 件のイベントを順にマージしました</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connecting to %1 …</source>
        <translation>%1 に接続しています…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 events in the time range so far%2 (no index spans every event: all are scanned)</source>
        <translation>期間内のイベント: 現在 %1 件%2（すべてのイベントを対象とするインデックスがないため、全件を走査します）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>, scanning</source>
        <translation>、走査中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Counting …</source>
        <translation>集計しています…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Events %1 to %2 of %3%4: a window of the newest read so far; scroll on for older, back up for newer</source>
        <translation>%3 件中 %1〜%2 件目%4: 読み込んだ範囲の一部です。下へスクロールで古いもの、上へ戻ると新しいものを読みます</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (loading)</source>
        <translation>（読み込み中）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 events loaded%3</source>
        <translation>%2 件中 %1 件のイベントを読み込みました%3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (loading more)</source>
        <translation> (さらに読み込み中)</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source> · %n newer event(s) above</source>
        <translation>
            <numerusform> · 上に新しいイベントが %n 件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::HistoryPanel</name>
    <message>
        <location filename="../ui/deploy/historypanel.cpp" line="+44"/>
        <source>Deployments</source>
        <translation>デプロイ履歴</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>http://manager:9470</source>
        <translation>http://manager:9470</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API token (if the daemon asks for one)</source>
        <translation>API トークン（デーモンが要求する場合）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connect</source>
        <translation>接続</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cape-deployd</source>
        <translation>cape-deployd</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deploy now…</source>
        <translation>今すぐデプロイ…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deploy a branch, tag or commit of a repository now</source>
        <translation>リポジトリのブランチ、タグ、またはコミットを今すぐデプロイします</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Roll back to this</source>
        <translation>この時点にロールバック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Put every service back as this deployment left it</source>
        <translation>すべてのサービスを、このデプロイ完了時の状態に戻します</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Put the services of %1 back as deployment %2 left them (commit %3)?</source>
        <translation>%1 のサービスを、デプロイ %2 完了時の状態（コミット %3）に戻しますか？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Roll back</source>
        <translation>ロールバック</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Give cape-deployd&apos;s address (and its API token) to see its deployments.</source>
        <translation>デプロイ履歴を表示するには、cape-deployd のアドレス（と API トークン）を指定してください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&quot;%1&quot; is not an address: give http://host:9470</source>
        <translation>「%1」はアドレスではありません: http://host:9470 の形式で指定してください</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The token is not remembered: %1</source>
        <translation>トークンを保存できませんでした: %1</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Cannot deploy %1: %2</source>
        <translation>%1 をデプロイできません: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deployment %1 of %2 (%3) is queued.</source>
        <translation>%2 (%3) のデプロイ %1 をキューに追加しました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its branch</source>
        <translation>既定のブランチ</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot roll back to %1: %2</source>
        <translation>%1 にロールバックできません: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deployment %1 puts the services back as %2 left them.</source>
        <translation>デプロイ %1 で、サービスを %2 完了時の状態に戻します。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Deploy now</source>
        <translation>今すぐデプロイ</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>branch, tag or commit (empty: the configured branch)</source>
        <translation>ブランチ、タグ、またはコミット（空欄: 設定済みのブランチ）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deploy</source>
        <translation>デプロイ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repository</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+31"/>
        <source>Ref</source>
        <translation>Ref</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Deployment of %1</source>
        <translation>%1 のデプロイ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deployment</source>
        <translation>デプロイ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trigger</source>
        <translation>トリガー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rollback to %1</source>
        <translation>%1 へのロールバック</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Commit</source>
        <translation>コミット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author</source>
        <translation>作成者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queued</source>
        <translation>キュー投入日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Update issued</source>
        <translation>更新指示日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished</source>
        <translation>完了日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>所要時間</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Plan</source>
        <translation>計画</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Results</source>
        <translation>結果</translation>
    </message>
</context>
<context>
    <name>cape::ImageBuilder</name>
    <message>
        <location filename="../services/deploy/imagebuilder.cpp" line="+40"/>
        <source>no connection to the engine</source>
        <translation>エンジンに接続していません</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>building %1 took longer than %2 s</source>
        <translation>%1 のビルドが %2 秒を超えました</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+4"/>
        <source>building %1: %2</source>
        <translation>%1 のビルド: %2</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>saving %1 to copy it onto the nodes: %2</source>
        <translation>%1 をノードにコピーするための保存: %2</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+18"/>
        <source>copying %1 onto the nodes: %2</source>
        <translation>%1 のノードへのコピー: %2</translation>
    </message>
</context>
<context>
    <name>cape::ImageDistributor</name>
    <message>
        <location filename="../services/install/imagedistributor.cpp" line="+22"/>
        <source>checking…</source>
        <translation>確認中…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>present</source>
        <translation>あり</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>missing</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>loaded</source>
        <translation>読み込み済み</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>no image archive at %1</source>
        <translation>%1 にイメージ アーカイブがありません</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>cannot read %1: %2</source>
        <translation>%1 を読み取れません: %2</translation>
    </message>
</context>
<context>
    <name>cape::InstallProgressPage</name>
    <message>
        <location filename="../ui/install/installprogresspage.cpp" line="+17"/>
        <source>Installing</source>
        <translation>インストール中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The daemons are deployed as the stack &quot;cape&quot;; the wizard waits until each passes its health check.</source>
        <translation>デーモンはスタック「cape」としてデプロイされます。ウィザードは各デーモンがヘルスチェックに合格するまで待機します。</translation>
    </message>
</context>
<context>
    <name>cape::InstallWizard</name>
    <message>
        <location filename="../ui/install/installwizard.cpp" line="+67"/>
        <source>Install Cape&apos;s daemons</source>
        <translation>Cape のデーモンのインストール</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Cluster</source>
        <translation>クラスター</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cape&apos;s daemons are installed onto the cluster this window is connected to, as the stack &quot;cape&quot;. Pick another cluster in the sidebar first to install there.</source>
        <translation>Cape のデーモンは、このウィンドウが接続しているクラスターにスタック「cape」としてインストールされます。別のクラスターにインストールするには、先にサイドバーでそのクラスターを選択してください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+18"/>
        <location line="+58"/>
        <source>Image</source>
        <translation>イメージ</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Every node that may run a daemon needs the image %1 in its engine. Without a registry, the wizard loads it from the packaged archive onto the nodes that lack it.</source>
        <translation>デーモンを実行する可能性のあるすべてのノードで、エンジンにイメージ %1 が必要です。レジストリがない場合、ウィザードが同梱のアーカイブからイメージのないノードに読み込みます。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image archive</source>
        <translation>イメージ アーカイブ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image archives (*.tar);;All files (*)</source>
        <translation>イメージ アーカイブ (*.tar);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Load the image onto the nodes that lack it</source>
        <translation>イメージのないノードにイメージを読み込む</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check again</source>
        <translation>再確認</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Archive</source>
        <translation>アーカイブ</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Daemons</source>
        <translation>デーモン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose what to install. cape-eventd and cape-deployd keep their data in Redis.</source>
        <translation>インストールするものを選択してください。cape-eventd と cape-deployd はデータを Redis に保存します。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cape-proxyd — the TLS entry point: routes by host and path to services</source>
        <translation>cape-proxyd — TLS のエントリポイント: ホストとパスでサービスにルーティング</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cape-eventd — eventsource over Redis streams (2 replicas)</source>
        <translation>cape-eventd — Redis Streams 上のイベントソース（2 レプリカ）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cape-deployd — push-to-deploy from git repositories (on a manager)</source>
        <translation>cape-deployd — Git リポジトリからのプッシュ デプロイ（マネージャー上）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cape-agent — every node&apos;s containers, stats and logs through this one connection (on every node, nothing published)</source>
        <translation>cape-agent — 全ノードのコンテナー、統計、ログをこの 1 本の接続で取得（全ノードで動作、ポート公開なし）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Redis</source>
        <translation>Redis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A new Redis in the stack (its data in a volume on a manager)</source>
        <translation>スタック内の新しい Redis（データはマネージャー上のボリュームに保存）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An existing Redis</source>
        <translation>既存の Redis</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Published on the manager for clients outside the swarm (the Superhero clients, the event browser). Keep it behind a firewall.</source>
        <translation>Swarm 外のクライアント（Superhero クライアント、イベント ブラウザー）向けにマネージャー上で公開されます。ファイアウォールの内側に置いてください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>host:port, as the daemons reach it</source>
        <translation>host:port（デーモンから到達できるアドレス）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Published port</source>
        <translation>公開ポート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports, the nodes that take the proxy&apos;s ports, cape-deployd&apos;s access, and the agents&apos; Docker socket.</source>
        <translation>ポート、プロキシのポートを受け持つノード、cape-deployd へのアクセス、エージェントの Docker ソケット。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>optional: https://github.com/you/app.git</source>
        <translation>任意: https://github.com/you/app.git</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Each node&apos;s Docker socket. A service template such as /run/{{.Node.Hostname}}/docker.sock may name a different one per node.</source>
        <translation>各ノードの Docker ソケット。/run/{{.Node.Hostname}}/docker.sock のようなサービス テンプレートで、ノードごとに異なるパスを指定できます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cape-proxyd</source>
        <translation>cape-proxyd</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>HTTP port</source>
        <translation>HTTP ポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HTTPS port</source>
        <translation>HTTPS ポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On the nodes</source>
        <translation>対象ノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cape-deployd</source>
        <translation>cape-deployd</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>API port</source>
        <translation>API ポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>Docker socket</source>
        <translation>Docker ソケット</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>API token</source>
        <translation>API トークン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repository name</source>
        <translation>リポジトリ名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repository URL</source>
        <translation>リポジトリ URL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch</source>
        <translation>ブランチ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Webhook secret</source>
        <translation>Webhook シークレット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cape-agent</source>
        <translation>cape-agent</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Review</source>
        <translation>確認</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What installing creates on the cluster. Uninstalling removes exactly this.</source>
        <translation>インストールによってクラスターに作成されるものです。アンインストールすると、これらがそのまま削除されます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Install</source>
        <translation>インストール</translation>
    </message>
    <message numerus="yes">
        <location line="+62"/>
        <source>&lt;p&gt;Manager engine: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%n node(s), %2 of them manager(s); engines of other nodes known to this window: %3.&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;マネージャー エンジン: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%n ノード（うちマネージャー %2）。このウィンドウが把握している他のノードのエンジン: %3。&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message>
        <location line="+46"/>
        <source>The image is missing on some nodes: load it onto them, or load it yourself (docker load -i %1) and check again.</source>
        <translation>一部のノードにイメージがありません。それらのノードに読み込むか、手動で読み込んで（docker load -i %1）から再確認してください。</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>not known to this window</source>
        <translation>このウィンドウでは不明</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>load it there yourself: docker load -i %1</source>
        <translation>そのノードで手動で読み込んでください: docker load -i %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stack &quot;%1&quot; with the image %2</source>
        <translation>スタック「%1」（イメージ %2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Services:</source>
        <translation>サービス:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>global</source>
        <translation>グローバル</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n replica(s)</source>
        <translation>
            <numerusform>%n レプリカ</numerusform>
        </translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Networks: %1</source>
        <translation>ネットワーク: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Configs: %1</source>
        <translation>コンフィグ: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Secrets: %1</source>
        <translation>シークレット: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Node label %1=true on: %2</source>
        <translation>ノード ラベル %1=true の付与先: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>cape-deployd&apos;s API: port %1, token %2…</source>
        <translation>cape-deployd の API: ポート %1、トークン %2…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>cape-agent: one task on every node with its Docker socket (%1), reached by Cape through this connection; no port published. The agents&apos; token is a swarm secret.</source>
        <translation>cape-agent: 全ノードに 1 タスクずつ、各ノードの Docker ソケット（%1）付きで動作し、Cape はこの接続経由で到達します。ポートは公開しません。エージェント間のトークンは Swarm シークレットです。</translation>
    </message>
</context>
<context>
    <name>cape::JsonTreeWidget</name>
    <message>
        <location filename="../ui/eventsource/jsontreewidget.cpp" line="+12"/>
        <source>Key</source>
        <translation>キー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
</context>
<context>
    <name>cape::ListenersDialog</name>
    <message>
        <location filename="../ui/routes/listenersdialog.cpp" line="+24"/>
        <source>Listeners and certificates</source>
        <translation>リスナーと証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Certificate file</source>
        <translation>証明書ファイル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Key file</source>
        <translation>鍵ファイル</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add listener</source>
        <translation>リスナーを追加</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove listener</source>
        <translation>リスナーを削除</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Add from the certificates view</source>
        <translation>証明書ビューから追加</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Remove certificate</source>
        <translation>証明書を削除</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Listeners</source>
        <translation>リスナー</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Certificates (files under /run/secrets: where publishing a certificate puts them)</source>
        <translation>証明書（/run/secrets 以下のファイル: 証明書を公開すると配置される場所）</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>cape-proxyd needs at least one listener.</source>
        <translation>cape-proxyd には少なくとも 1 つのリスナーが必要です。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&quot;%1&quot; is no address: host:port or :port.</source>
        <translation>「%1」はアドレスではありません: host:port または :port の形式で指定してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A certificate needs a name.</source>
        <translation>証明書には名前が必要です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two certificates are named %1.</source>
        <translation>%1 という名前の証明書が 2 つあります。</translation>
    </message>
</context>
<context>
    <name>cape::LogFeed</name>
    <message>
        <location filename="../models/logfeed.cpp" line="+97"/>
        <source>Stopped</source>
        <translation>停止しました</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Following %1</source>
        <translation>%1 を追従中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading %1</source>
        <translation>%1 を読み込み中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connecting to %1…</source>
        <translation>%1 に接続しています…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>All lines read</source>
        <translation>すべての行を読み込みました</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 no longer exists: the log ends here.</source>
        <translation>%1 はもう存在しません。ログはここで終わりです。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 no longer exists</source>
        <translation>%1 はもう存在しません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the engine closed the stream</source>
        <translation>エンジンがストリームを閉じました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The log stream broke off (%1). Reconnecting in %2 s; no line will be lost or repeated.</source>
        <translation>ログ ストリームが切断されました（%1）。%2 秒後に再接続します。行が欠落したり重複したりすることはありません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reconnecting in %1 s: %2</source>
        <translation>%1 秒後に再接続します: %2</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>its replicas</source>
        <translation>そのレプリカ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Node %1 is back (%2): its replicas&apos; lines follow again.</source>
        <translation>ノード %1 が復帰しました（%2）。レプリカのログの追従を再開します。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Node %1 is %2: no lines from %3 until it is back.</source>
        <translation>ノード %1 は %2 です。復帰するまで %3 のログは届きません。</translation>
    </message>
</context>
<context>
    <name>cape::LogMatcher</name>
    <message>
        <location filename="../models/logmatcher.cpp" line="+48"/>
        <source>%1 at offset %2</source>
        <translation>%1（オフセット %2）</translation>
    </message>
</context>
<context>
    <name>cape::LogPanel</name>
    <message>
        <location filename="../ui/logs/logpanel.cpp" line="+75"/>
        <location line="+287"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <location line="-286"/>
        <source>Show or hide replicas and nodes</source>
        <translation>レプリカとノードの表示/非表示</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tail </source>
        <translation>末尾 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>100 lines</source>
        <translation>100 行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1,000 lines</source>
        <translation>1,000 行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>10,000 lines</source>
        <translation>10,000 行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>everything</source>
        <translation>すべて</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lines of history per replica</source>
        <translation>レプリカごとに読み込む過去の行数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>  since </source>
        <translation>  開始 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the start</source>
        <translation>最初から</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <source>5 minutes ago</source>
        <translation>5 分前</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+7"/>
        <source>1 hour ago</source>
        <translation>1 時間前</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+7"/>
        <source>24 hours ago</source>
        <translation>24 時間前</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>7 days ago</source>
        <translation>7 日前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>  until </source>
        <translation>  終了 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>now, and follow</source>
        <translation>現在（追従）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>An end in the past reads that window and stops</source>
        <translation>過去の終了時刻を選ぶと、その範囲を読み込んで停止します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Follow</source>
        <translation>追従</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stream new lines as they are written (End)</source>
        <translation>新しい行を書き込まれ次第表示します（End）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+197"/>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <location line="-197"/>
        <source>Hold new lines back while you read (Space); nothing is lost</source>
        <translation>読んでいる間、新しい行の表示を保留します（Space）。行は失われません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wrap</source>
        <translation>折り返し</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Wrap long lines</source>
        <translation>長い行を折り返す</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show each line&apos;s time</source>
        <translation>各行の時刻を表示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the selected lines (Ctrl+C)</source>
        <translation>選択した行をコピー（Ctrl+C）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export…</source>
        <translation>エクスポート…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the lines shown to a file</source>
        <translation>表示中の行をファイルに保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear</source>
        <translation>クリア</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Empty the buffer; new lines keep coming</source>
        <translation>バッファーを空にします。新しい行は引き続き表示されます</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Search  ( Ctrl+F;  Enter: next,  Shift+Enter: previous )</source>
        <translation>検索  ( Ctrl+F、 Enter: 次、 Shift+Enter: 前 )</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Aa</source>
        <translation>Aa</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Match case</source>
        <translation>大文字と小文字を区別</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>.*</source>
        <translation>.*</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Regular expression (PCRE)</source>
        <translation>正規表現（PCRE）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only matching</source>
        <translation>一致のみ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show only the lines that match</source>
        <translation>一致する行のみ表示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>↑</source>
        <translation>↑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous match (Shift+Enter)</source>
        <translation>前の一致（Shift+Enter）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>↓</source>
        <translation>↓</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next match (Enter)</source>
        <translation>次の一致（Enter）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Select all</source>
        <translation>すべて選択</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Not a valid regular expression: %1</source>
        <translation>正規表現が正しくありません: %1</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>%1 on %2 (%3)</source>
        <translation>%2 の %1（%3）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Incomplete: no lines from %1 until the node is back; the manager cannot reach it.</source>
        <translation>不完全: ノードが復帰するまで %1 のログは届きません。マネージャーから到達できません。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Logs of %1</source>
        <translation>%1 のログ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logs of task %1</source>
        <translation>タスク %1 のログ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logs of container %1</source>
        <translation>コンテナ %1 のログ</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>searching…</source>
        <translation>検索中…</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n 件一致</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 lines</source>
        <translation>%1 行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 shown</source>
        <translation>%1 行を表示</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n replica(s)</source>
        <translation>
            <numerusform>%n レプリカ</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%1 of %n replica(s) running</source>
        <translation>
            <numerusform>%n 個中 %1 個のレプリカが稼働中</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>paused: %1 new lines waiting</source>
        <translation>一時停止中: 新しい行 %1 行が待機中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 oldest lines dropped (the buffer keeps %2)</source>
        <translation>古い行 %1 行を破棄しました（バッファーの上限は %2 行）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Show all</source>
        <translation>すべて表示</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+14"/>
        <source>All replicas</source>
        <translation>すべてのレプリカ</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Some replicas hidden</source>
        <translation>一部のレプリカを非表示</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>%n replica(s) hidden</source>
        <translation>
            <numerusform>%n レプリカを非表示</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export logs</source>
        <translation>ログのエクスポート</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Log files (*.log *.txt)</source>
        <translation>ログ ファイル (*.log *.txt)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>An export is already running.</source>
        <translation>エクスポートは既に実行中です。</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+33"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Exporting… %1 %</source>
        <translation>エクスポート中… %1 %</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>Saved %n line(s) to %1.</source>
        <translation>
            <numerusform>%n 行を %1 に保存しました。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::LogsView</name>
    <message>
        <location filename="../ui/logs/logsview.cpp" line="+35"/>
        <source>Logs</source>
        <translation>ログ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the logs of a service, task or container from its view (L), or pick a service:</source>
        <translation>サービス、タスク、コンテナのログは各ビューから開くか（L）、ここでサービスを選択してください:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open logs</source>
        <translation>ログを開く</translation>
    </message>
</context>
<context>
    <name>cape::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow/mainwindow.cpp" line="+85"/>
        <source>Switch clusters</source>
        <translation>クラスターの切り替え</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Overview</source>
        <translation>概要</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visualizer</source>
        <translation>ビジュアライザー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Logs</source>
        <translation>ログ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stats</source>
        <translation>統計</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stacks</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Networks</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Configs</source>
        <translation>コンフィグ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Secrets</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Swarm</source>
        <translation>Swarm</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+9"/>
        <source>Events</source>
        <translation>イベント</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>No events yet: services, nodes, networks and containers report here as they change.</source>
        <translation>イベントはまだありません。サービス、ノード、ネットワーク、コンテナーの変化がここに表示されます。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Eventsource</source>
        <translation>イベントソース</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Routes</source>
        <translation>ルート</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deploy</source>
        <translation>デプロイ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Daemons</source>
        <translation>デーモン</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+189"/>
        <source>Preferences…</source>
        <translation>環境設定…</translation>
    </message>
    <message>
        <location line="-185"/>
        <source>Command palette</source>
        <translation>コマンド パレット</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>Manage clusters…</source>
        <translation>クラスターの管理…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reading %1&apos;s key from the keychain…</source>
        <translation>キーチェーンから %1 の鍵を読み込んでいます…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠  Cannot connect to %1: %2</source>
        <translation>⚠  %1 に接続できません: %2</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Go to %1</source>
        <translation>%1 に移動</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>view</source>
        <translation>ビュー</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+10"/>
        <location line="+9"/>
        <source>action</source>
        <translation>アクション</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Refresh everything</source>
        <translation>すべて更新</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>action · F5</source>
        <translation>アクション · F5</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>action · Ctrl+,</source>
        <translation>アクション · Ctrl+,</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Install Cape&apos;s daemons…</source>
        <translation>Cape のデーモンをインストール…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Create a service…</source>
        <translation>サービスを作成…</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <location line="+1"/>
        <location line="+1"/>
        <source>Create…</source>
        <translation>作成…</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Deploy a stack…</source>
        <translation>スタックをデプロイ…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Deploy…</source>
        <translation>デプロイ…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create a network…</source>
        <translation>ネットワークを作成…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create a config…</source>
        <translation>コンフィグを作成…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create a secret…</source>
        <translation>シークレットを作成…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show join tokens</source>
        <translation>参加トークンを表示</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 · action</source>
        <translation>%1 · 操作</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>network</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>config</source>
        <translation>コンフィグ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>secret</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>⚠  %1 Cape asks again every 30 s; F5 asks now.</source>
        <translation>⚠  %1 Cape は 30 秒ごとに再確認します。F5 ですぐに確認します。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠  Lost the connection. %1 Until it answers, the views show the last known state; they resync then.</source>
        <translation>⚠  接続が切れました。%1 応答があるまで最後に確認した状態を表示し、その後再同期します。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>⚠  %1</source>
        <translation>⚠  %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not connected: %1 is not a swarm manager</source>
        <translation>未接続: %1 は swarm マネージャーではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not connected to %1</source>
        <translation>%1 に接続していません</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
</context>
<context>
    <name>cape::ManagerCheck</name>
    <message>
        <location filename="../models/managercheck.cpp" line="+13"/>
        <source>%1 is not a Docker engine: its /info answer has no engine ID or version.</source>
        <translation>%1 は Docker エンジンではありません: /info の応答にエンジン ID もバージョンもありません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The swarm manager %1 (%2) is locked: unlock it with “docker swarm unlock” on that node.</source>
        <translation>swarm マネージャー %1（%2）はロックされています。そのノードで「docker swarm unlock」を実行して解除してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 (%2) is still joining a swarm.</source>
        <translation>%1（%2）はまだ swarm に参加中です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (%2) is a Docker engine in no swarm: create one with “docker swarm init”, or connect to a manager of an existing swarm.</source>
        <translation>%1（%2）はどの swarm にも属していない Docker エンジンです。「docker swarm init」で作成するか、既存の swarm のマネージャーに接続してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The engine says: %1</source>
        <translation>エンジンのメッセージ: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 (%2) is a worker, not a swarm manager: only managers know the cluster&apos;s state.</source>
        <translation>%1（%2）はワーカーで、swarm マネージャーではありません。クラスターの状態を知っているのはマネージャーだけです。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connect to a manager instead: %1.</source>
        <translation>代わりにマネージャーに接続してください: %1。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 answers, but not as a Docker engine (%2).</source>
        <translation>%1 は応答しますが、Docker エンジンとしてではありません（%2）。</translation>
    </message>
</context>
<context>
    <name>cape::MessageLabel</name>
    <message>
        <location filename="../ui/style/messagelabel.cpp" line="+71"/>
        <source>Hide details</source>
        <translation>詳細を隠す</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
</context>
<context>
    <name>cape::NewCertificateDialog</name>
    <message>
        <location filename="../ui/certificates/newcertificatedialog.cpp" line="+40"/>
        <source>New certificate</source>
        <translation>新しい証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Self-signed certificate</source>
        <translation>自己署名証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate authority (to sign others)</source>
        <translation>認証局（他の証明書に署名）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate signed by an authority</source>
        <translation>認証局が署名した証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key and signing request (CSR) for an external CA</source>
        <translation>外部 CA 用の鍵と署名要求（CSR）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>how the list names it, e.g. shop</source>
        <translation>一覧での名前（例: shop）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shop.example.com</source>
        <translation>shop.example.com</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shop.example.com, *.shop.example.com</source>
        <translation>shop.example.com, *.shop.example.com</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>optional: 10.0.0.5</source>
        <translation>任意: 10.0.0.5</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-256 (recommended)</source>
        <translation>EC P-256（推奨）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-384</source>
        <translation>EC P-384</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 2048</source>
        <translation>RSA 2048</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 4096</source>
        <translation>RSA 4096</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ed25519</source>
        <translation>Ed25519</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed by</source>
        <translation>署名元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Common name</source>
        <translation>コモン ネーム</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DNS names</source>
        <translation>DNS 名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>IP addresses</source>
        <translation>IP アドレス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organization</source>
        <translation>組織</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid for</source>
        <translation>有効期間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key</source>
        <translation>鍵</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Give it a name.</source>
        <translation>名前を入力してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give it a common name or a DNS name.</source>
        <translation>コモン ネームまたは DNS 名を入力してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No certificate authority with its key is stored yet: make one first.</source>
        <translation>秘密鍵付きの認証局がまだ保存されていません。先に作成してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&quot;%1&quot; is no IP address.</source>
        <translation>「%1」は IP アドレスではありません。</translation>
    </message>
</context>
<context>
    <name>cape::NodeTableModel</name>
    <message>
        <location filename="../models/nodetablemodel.cpp" line="+85"/>
        <source>Hostname</source>
        <translation>ホスト名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role</source>
        <translation>ロール</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager</source>
        <translation>マネージャー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Availability</source>
        <translation>可用性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPUs</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labels</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1, state unknown</source>
        <translation>%1（状態不明）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 of %2 running</source>
        <translation>%2 中 %1 稼働</translation>
    </message>
</context>
<context>
    <name>cape::NodesView</name>
    <message>
        <location filename="../ui/views/nodesview.cpp" line="+20"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Tasks</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Activate</source>
        <translation>アクティブにする</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+68"/>
        <source>Drain</source>
        <translation>ドレイン</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Promote</source>
        <translation>昇格</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+77"/>
        <source>Demote</source>
        <translation>降格</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>Add label…</source>
        <translation>ラベルを追加…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove label…</source>
        <translation>ラベルを削除…</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+135"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="-126"/>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role</source>
        <translation>ロール</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager</source>
        <translation>マネージャー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Availability</source>
        <translation>可用性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Engine</source>
        <translation>エンジン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Platform</source>
        <translation>プラットフォーム</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPUs</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Labels</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No labels. Labels steer placement constraints such as node.labels.zone==a.</source>
        <translation>ラベルはありません。ラベルは node.labels.zone==a のような配置制約に使われます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Spec</source>
        <translation>スペック</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Workload</source>
        <translation>ワークロード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Running tasks</source>
        <translation>実行中のタスク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown: the node is %1</source>
        <translation>不明: ノードは %1 です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assigned tasks</source>
        <translation>割り当てられたタスク</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Draining %1…</source>
        <translation>%1 をドレインしています…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pausing %1…</source>
        <translation>%1 を一時停止しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activating %1…</source>
        <translation>%1 を有効にしています…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 is drained: its tasks move to other nodes, and it takes no new ones.</source>
        <translation>%1 をドレインしました。タスクは他のノードに移り、新しいタスクは受け付けません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is paused: it keeps its tasks, but takes no new ones.</source>
        <translation>%1 を一時停止しました。タスクはそのまま残り、新しいタスクは受け付けません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is active: it takes new tasks again.</source>
        <translation>%1 は有効です。再び新しいタスクを受け付けます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Drain %1? Its tasks are stopped and rescheduled on other nodes.</source>
        <translation>%1 をドレインしますか？ タスクは停止され、他のノードに再スケジュールされます。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Promoting %1…</source>
        <translation>%1 を昇格しています…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Demoting %1…</source>
        <translation>%1 を降格しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is a manager now.</source>
        <translation>%1 はマネージャーになりました。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 is a worker now.</source>
        <translation>%1 はワーカーになりました。</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Demote %1 to a worker? The swarm keeps fewer managers for its quorum.</source>
        <translation>%1 をワーカーに降格しますか？ クォーラムを構成するマネージャーが減ります。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Add label</source>
        <translation>ラベルの追加</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Label (key=value):</source>
        <translation>ラベル（key=value）:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>“%1” is not a label: use key=value, the key without spaces.</source>
        <translation>「%1」はラベルではありません: key=value の形式で、キーには空白を含めないでください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Adding label %1…</source>
        <translation>ラベル %1 を追加しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label %1 added to %2.</source>
        <translation>ラベル %1 を %2 に追加しました。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The selected nodes have no labels.</source>
        <translation>選択したノードにはラベルがありません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove label</source>
        <translation>ラベルの削除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Label:</source>
        <translation>ラベル:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removing label %1…</source>
        <translation>ラベル %1 を削除しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label %1 removed from %2.</source>
        <translation>ラベル %1 を %2 から削除しました。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Remove %1 from the swarm? A node that is still up must leave the swarm first.</source>
        <translation>%1 を Swarm から削除しますか？ 稼働中のノードは、先に Swarm から離脱させる必要があります。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removing %1…</source>
        <translation>%1 を削除しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Node removed.</source>
        <translation>ノードを削除しました。</translation>
    </message>
</context>
<context>
    <name>cape::ObjectTableModel</name>
    <message>
        <location filename="../models/objecttablemodel.cpp" line="+28"/>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+23"/>
        <location line="+18"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="-40"/>
        <location line="+41"/>
        <source>Driver</source>
        <translation>ドライバー</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>Scope</source>
        <translation>スコープ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attachable</source>
        <translation>アタッチ可能</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+1"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Internal</source>
        <translation>内部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subnet</source>
        <translation>サブネット</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> B</source>
        <translation> B</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+13"/>
        <source>Labels</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+13"/>
        <source>Updated</source>
        <translation>更新日時</translation>
    </message>
</context>
<context>
    <name>cape::ObjectsView</name>
    <message>
        <location filename="../ui/views/objectsview.cpp" line="+31"/>
        <source>Networks</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Configs</source>
        <translation>コンフィグ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Secrets</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No networks.</source>
        <translation>ネットワークはありません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No configs yet. A config is a file the swarm hands to the services that name it, read-only. Create… makes one.</source>
        <translation>コンフィグはまだありません。コンフィグは、それを指定したサービスに swarm が読み取り専用で渡すファイルです。「作成…」で作ります。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No secrets yet. A secret is kept encrypted by the managers and handed only to the services that name it. Create… makes one.</source>
        <translation>シークレットはまだありません。シークレットはマネージャーが暗号化して保管し、それを指定したサービスにだけ渡されます。「作成…」で作ります。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Create…</source>
        <translation>作成…</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+171"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="-156"/>
        <source>network</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>config</source>
        <translation>コンフィグ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>secret</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+74"/>
        <source>Driver</source>
        <translation>ドライバー</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>Scope</source>
        <translation>スコープ</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+73"/>
        <source>Attachable</source>
        <translation>アタッチ可能</translation>
    </message>
    <message>
        <location line="-73"/>
        <location line="+1"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="-1"/>
        <location line="+1"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+73"/>
        <source>Internal</source>
        <translation>内部</translation>
    </message>
    <message>
        <location line="-68"/>
        <source>%1 via %2</source>
        <translation>%1（ゲートウェイ %2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subnets</source>
        <translation>サブネット</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Labels</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+62"/>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="-60"/>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A secret&apos;s value is never shown: the engine does not return it.</source>
        <translation>シークレットの値は表示されません。エンジンが値を返さないためです。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Usage</source>
        <translation>使用状況</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create %1</source>
        <translation>%1 の作成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Standalone containers may attach</source>
        <translation>スタンドアロン コンテナのアタッチを許可</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No external access</source>
        <translation>外部アクセスなし</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>automatic, or e.g. 10.20.0.0/24</source>
        <translation>自動、または例: 10.20.0.0/24</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Subnet</source>
        <translation>サブネット</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The value cannot be read back once created.</source>
        <translation>作成後は値を読み戻せません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create</source>
        <translation>作成</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>A name is 1 to 64 letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation>名前は 1～64 文字の英数字、「_」、「.」、「-」で、先頭は英数字にしてください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>“%1” is not a subnet in CIDR notation.</source>
        <translation>「%1」は CIDR 表記のサブネットではありません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The content may not be empty.</source>
        <translation>内容を空にすることはできません。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Creating %1 %2…</source>
        <translation>%1 %2 を作成しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created %1 %2.</source>
        <translation>%1 %2 を作成しました。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Remove the %1 %2?</source>
        <translation>%1 %2 を削除しますか？</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Removing…</source>
        <translation>削除しています…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Removed.</source>
        <translation>削除しました。</translation>
    </message>
</context>
<context>
    <name>cape::ObservabilityServer</name>
    <message>
        <location filename="../services/core/observabilityserver.cpp" line="+48"/>
        <source>%1 is not an address to listen on: give host:port, e.g. 0.0.0.0:9464</source>
        <translation>%1 は待ち受けアドレスではありません: host:port の形式で指定してください（例: 0.0.0.0:9464）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cannot listen on %1 (in use, or not an address of this host)</source>
        <translation>%1 で待ち受けできません（使用中か、このホストのアドレスではありません）</translation>
    </message>
</context>
<context>
    <name>cape::OverviewView</name>
    <message>
        <location filename="../ui/overview/overviewview.cpp" line="+28"/>
        <source>Nodes ready</source>
        <translation>準備完了のノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Managers</source>
        <translation>マネージャー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Services converged</source>
        <translation>収束済みのサービス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks running</source>
        <translation>実行中のタスク</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Overview</source>
        <translation>概要</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Recent events</source>
        <translation>最近のイベント</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a swarm manager</source>
        <translation>swarm マネージャーではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>every node is ready</source>
        <translation>すべてのノードが準備完了</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n node(s) not ready</source>
        <translation>
            <numerusform>%n ノードが準備未完了</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no leader</source>
        <translation>リーダーなし</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>leader: %1</source>
        <translation>リーダー: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>all at their desired replicas</source>
        <translation>すべて目標のレプリカ数に到達</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n service(s) degraded or updating</source>
        <translation>
            <numerusform>%n サービスが縮退中または更新中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>of %n active task(s)</source>
        <translation>
            <numerusform>アクティブな %n タスク中</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;b&gt;Tasks by state:&lt;/b&gt;&amp;nbsp; %1</source>
        <translation>&lt;b&gt;状態別のタスク:&lt;/b&gt;&amp;nbsp; %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>last known; not connected</source>
        <translation>最後に確認した値（未接続）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not connected to %1: the figures are the last known</source>
        <translation>%1 に接続していません。数値は最後に確認したものです</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>  ·  swarm %1</source>
        <translation>  ·  Swarm %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>this connection</source>
        <translation>この接続</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>through cape-agent</source>
        <translation>cape-agent 経由</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>its own endpoint</source>
        <translation>専用エンドポイント</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (connecting)</source>
        <translation>（接続中）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: its cape-agent does not answer (%2)</source>
        <translation>%1: cape-agent が応答しません（%2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: its endpoint does not answer (%2)</source>
        <translation>%1: エンドポイントが応答しません（%2）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1: not reached (install cape-agent from the Daemons view, or give its endpoint)</source>
        <translation>%1: 到達できません（デーモン ビューから cape-agent をインストールするか、エンドポイントを指定してください）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: not reached yet</source>
        <translation>%1: まだ到達していません</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;b&gt;Node engines:&lt;/b&gt;&amp;nbsp; %1</source>
        <translation>&lt;b&gt;ノードのエンジン:&lt;/b&gt;&amp;nbsp; %1</translation>
    </message>
</context>
<context>
    <name>cape::PreferencesDialog</name>
    <message>
        <location filename="../ui/settings/preferencesdialog.cpp" line="+17"/>
        <source>Preferences</source>
        <translation>環境設定</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The system&apos;s (%1)</source>
        <translation>システムの言語（%1）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A new language applies when Cape starts again.</source>
        <translation>言語の変更は Cape の次回起動時に反映されます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
</context>
<context>
    <name>cape::RedisCluster</name>
    <message>
        <location filename="../services/redis/rediscluster.cpp" line="+53"/>
        <source>no Redis Cluster node given</source>
        <translation>Redis Cluster のノードが指定されていません</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>no node of the Redis Cluster answered (%1 tried)</source>
        <translation>Redis Cluster のどのノードも応答しませんでした（%1 台を試行）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Redis at %1 is not a cluster node: %2</source>
        <translation>%1 の Redis はクラスター ノードではありません: %2</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>the Redis Cluster serves no slot yet</source>
        <translation>Redis Cluster はまだどのスロットも担当していません</translation>
    </message>
</context>
<context>
    <name>cape::RedisConnection</name>
    <message>
        <location filename="../services/redis/redisconnection.cpp" line="+61"/>
        <location line="+132"/>
        <location line="+53"/>
        <source>Redis at %1: %2</source>
        <translation>%1 の Redis: %2</translation>
    </message>
    <message>
        <location line="-159"/>
        <source>Redis at %1 refused the password: %2</source>
        <translation>%1 の Redis がパスワードを拒否しました: %2</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+124"/>
        <source>closed</source>
        <translation>切断済み</translation>
    </message>
    <message>
        <location line="-117"/>
        <source>not connected to Redis at %1</source>
        <translation>%1 の Redis に接続していません</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Redis at %1 is disconnecting</source>
        <translation>%1 の Redis は切断中です</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>no answer within %1 ms of connecting</source>
        <translation>接続後 %1 ms 以内に応答がありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no reply within %1 ms</source>
        <translation>%1 ms 以内に応答がありません</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>the server closed the connection</source>
        <translation>サーバーが接続を閉じました</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>connection lost</source>
        <translation>接続が失われました</translation>
    </message>
</context>
<context>
    <name>cape::ResourceView</name>
    <message>
        <location filename="../ui/views/resourceview.cpp" line="+61"/>
        <source>Filter  ( / )</source>
        <translation>フィルター  ( / )</translation>
    </message>
    <message>
        <location line="+114"/>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inspect</source>
        <translation>インスペクト</translation>
    </message>
    <message>
        <location line="+148"/>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message numerus="yes">
        <location line="+174"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n 件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 of %2</source>
        <translation>%1 / %2 件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No row matches “%1”. Esc clears the filter.</source>
        <translation>「%1」に一致する行はありません。Esc でフィルターを解除します。</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>&lt;p style=&apos;color:#57606a&apos;&gt;Select a row to see its details.&lt;/p&gt;</source>
        <translation>&lt;p style=&apos;color:#57606a&apos;&gt;行を選択すると詳細が表示されます。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>cape::RouteCanvas</name>
    <message>
        <location filename="../ui/routes/routecanvas.cpp" line="+111"/>
        <source>Entry points</source>
        <translation>エントリポイント</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>not routed yet: drag to a service</source>
        <translation>未ルーティング: サービスへドラッグしてください</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HTTP</source>
        <translation>HTTP</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>HTTPS · certificate %1</source>
        <translation>HTTPS · 証明書 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · redirects to HTTPS</source>
        <translation> · HTTPS へリダイレクト</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · strips %1</source>
        <translation> · %1 を除去</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>None yet: New entry point…, or Open… a configuration.</source>
        <translation>まだありません。「新しいエントリポイント…」で追加するか、「開く…」で設定を開いてください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>not in the swarm</source>
        <translation>Swarm にありません</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no ports known</source>
        <translation>既知のポートなし</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ports %1</source>
        <translation>ポート %1</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1 → %2:%3</source>
        <translation>%1 → %2:%3</translation>
    </message>
</context>
<context>
    <name>cape::RouteDiff</name>
    <message>
        <location filename="../models/routediff.cpp" line="+28"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>target</source>
        <translation>転送先</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>strip prefix</source>
        <translation>プレフィックス除去</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>certificate</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>redirect to HTTPS</source>
        <translation>HTTPS へリダイレクト</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>health path</source>
        <translation>ヘルスチェック パス</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>+ listener %1</source>
        <translation>+ リスナー %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>- listener %1</source>
        <translation>- リスナー %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>+ certificate %1</source>
        <translation>+ 証明書 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>~ certificate %1: files %2 → %3</source>
        <translation>~ 証明書 %1: ファイル %2 → %3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>- certificate %1</source>
        <translation>- 証明書 %1</translation>
    </message>
</context>
<context>
    <name>cape::RouteEditorView</name>
    <message>
        <location filename="../ui/routes/routeeditorview.cpp" line="+52"/>
        <source>Strip the path prefix</source>
        <translation>パス プレフィックスを除去する</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redirect plain HTTP to HTTPS</source>
        <translation>HTTP を HTTPS にリダイレクトする</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>New entry point…</source>
        <translation>新しいエントリポイント…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+4"/>
        <source>New entry point</source>
        <translation>新しいエントリポイント</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Host (app.example.com or *.example.com):</source>
        <translation>ホスト（app.example.com または *.example.com）:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Path prefix:</source>
        <translation>パス プレフィックス:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open…</source>
        <translation>開く…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a proxy configuration</source>
        <translation>プロキシ設定を開く</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the proxy configuration</source>
        <translation>プロキシ設定の保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Listeners and certificates…</source>
        <translation>リスナーと証明書…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import from the swarm</source>
        <translation>Swarm からインポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publish…</source>
        <translation>公開…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+383"/>
        <source>Roll back</source>
        <translation>ロールバック</translation>
    </message>
    <message>
        <location line="-380"/>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Redo</source>
        <translation>やり直し</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove route</source>
        <translation>ルートを削除</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Entry point</source>
        <translation>エントリポイント</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Port</source>
        <translation>ポート</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+17"/>
        <source>Certificate</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>a certificate&apos;s name, for HTTPS</source>
        <translation>証明書の名前（HTTPS 用）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. /health: checked on every replica</source>
        <translation>例: /health（各レプリカでチェック）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Selected route</source>
        <translation>選択中のルート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Path prefix</source>
        <translation>パス プレフィックス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service port</source>
        <translation>サービス ポート</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Health path</source>
        <translation>ヘルスチェック パス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Routes</source>
        <translation>ルート</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Problems</source>
        <translation>問題</translation>
    </message>
    <message>
        <location line="+106"/>
        <location line="+10"/>
        <source>Route %1 to %2</source>
        <translation>%1 を %2 にルーティング</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Remove the route of %1</source>
        <translation>%1 のルートを削除</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Edit %1</source>
        <translation>%1 の編集</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>No problems.</source>
        <translation>問題はありません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 を開けません: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 is no cape-proxyd configuration: %2</source>
        <translation>%1 は cape-proxyd の設定ではありません: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opened %1: one route.</source>
        <translation>%1 を開きました: ルート 1 件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opened %1: %2 routes.</source>
        <translation>%1 を開きました: ルート %2 件。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No service in the swarm runs cape-proxyd.</source>
        <translation>Swarm 内に cape-proxyd を実行しているサービスがありません。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Which proxy?</source>
        <translation>プロキシの選択</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>cape-proxyd service:</source>
        <translation>cape-proxyd サービス:</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Cannot import the running configuration: %1</source>
        <translation>実行中の設定をインポートできません: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Imported the configuration cape-proxyd runs.</source>
        <translation>cape-proxyd が実行中の設定をインポートしました。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing to publish: the document is what cape-proxyd runs already.</source>
        <translation>公開する変更はありません: ドキュメントは cape-proxyd が実行中の設定と同じです。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Publish the routes</source>
        <translation>ルートの公開</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publishing changes what cape-proxyd serves:</source>
        <translation>公開すると、cape-proxyd の提供内容が次のように変わります:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The document has %1 problem(s): see the list.</source>
        <translation>ドキュメントに %1 件の問題があります。一覧を確認してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publish</source>
        <translation>公開</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Roll cape-proxyd back to the configuration it ran before?</source>
        <translation>cape-proxyd を以前に実行していた設定にロールバックしますか？</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot save %1: %2</source>
        <translation>%1 を保存できません: %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved %1.</source>
        <translation>%1 を保存しました。</translation>
    </message>
</context>
<context>
    <name>cape::RouteValidator</name>
    <message>
        <location filename="../models/routevalidator.cpp" line="+40"/>
        <source>A TLS listener needs a certificate: none is configured.</source>
        <translation>TLS リスナーには証明書が必要ですが、設定されていません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 is routed twice (also by route %2).</source>
        <translation>%1 が二重にルーティングされています（ルート %2 と重複）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: the swarm has no service named %2.</source>
        <translation>%1: Swarm に %2 という名前のサービスはありません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: %2 has no port %3 (it has %4).</source>
        <translation>%1: %2 にポート %3 はありません（あるのは %4）。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1: %2 is on no network cape-proxyd shares (the proxy is on %3; the service on %4).</source>
        <translation>%1: %2 は cape-proxyd と共有するネットワークに接続されていません（プロキシは %3、サービスは %4 に接続）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: no certificate named %2 is configured.</source>
        <translation>%1: %2 という名前の証明書は設定されていません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: certificate %2 does not cover %3 (it serves %4).</source>
        <translation>%1: 証明書 %2 は %3 をカバーしていません（対象は %4）。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1: no configured certificate covers %2 for the TLS listener.</source>
        <translation>%1: TLS リスナーで %2 をカバーする証明書が設定されていません。</translation>
    </message>
</context>
<context>
    <name>cape::ServiceDraft</name>
    <message>
        <location filename="../models/servicedraft.cpp" line="+161"/>
        <source>“%1” is not a whole number from %2 to %3</source>
        <translation>「%1」は %2～%3 の整数ではありません</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>“%1” is not one of %2</source>
        <translation>「%1」は %2 のいずれでもありません</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>“%1” is not a ratio from 0 to 1</source>
        <translation>「%1」は 0～1 の比率ではありません</translation>
    </message>
    <message>
        <location line="+124"/>
        <source>a name is 1 to 63 letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;, starting with a letter or digit</source>
        <translation>名前は 1～63 文字の英数字、「_」、「.」、「-」で、先頭は英数字にしてください</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>an image is required, e.g. nginx:1.27</source>
        <translation>イメージは必須です（例: nginx:1.27）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>an image reference has no spaces</source>
        <translation>イメージ参照に空白は使えません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a replicated service needs a number of replicas</source>
        <translation>レプリケートされたサービスにはレプリカ数が必要です</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>“%1” is not a variable name</source>
        <translation>「%1」は変数名ではありません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a label needs a key (value “%1”)</source>
        <translation>ラベルにはキーが必要です（値「%1」）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>every port needs a target (the container&apos;s port)</source>
        <translation>各ポートにはターゲット（コンテナのポート）が必要です</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>port %1 is published twice</source>
        <translation>ポート %1 が二重に公開されています</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a mount target is an absolute path in the container (“%1”)</source>
        <translation>マウントのターゲットはコンテナ内の絶対パスにしてください（「%1」）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a bind mount&apos;s source is an absolute path on the node (“%1”)</source>
        <translation>バインド マウントのソースはノード上の絶対パスにしてください（「%1」）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a tmpfs mount has no source</source>
        <translation>tmpfs マウントにはソースを指定できません</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>there is no network named “%1”</source>
        <translation>「%1」という名前のネットワークはありません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>there is no secret named “%1”</source>
        <translation>「%1」という名前のシークレットはありません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>there is no config named “%1”</source>
        <translation>「%1」という名前のコンフィグはありません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>“%1” is not a constraint such as node.role==worker</source>
        <translation>「%1」は制約ではありません（例: node.role==worker）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>“%1” is not a spread descriptor such as node.labels.zone</source>
        <translation>「%1」は分散の指定ではありません（例: node.labels.zone）</translation>
    </message>
</context>
<context>
    <name>cape::ServiceEditor</name>
    <message>
        <location filename="../ui/services/serviceeditor.cpp" line="+129"/>
        <source>Edit %1</source>
        <translation>%1 の編集</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Create a service</source>
        <translation>サービスの作成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>General</source>
        <translation>全般</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+85"/>
        <source>Environment</source>
        <translation>環境変数</translation>
    </message>
    <message>
        <location line="-84"/>
        <source>Network</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Storage</source>
        <translation>ストレージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Placement</source>
        <translation>配置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Policies</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health</source>
        <translation>ヘルスチェック</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+186"/>
        <location line="+198"/>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="-384"/>
        <location line="+384"/>
        <source>Create</source>
        <translation>作成</translation>
    </message>
    <message>
        <location line="-337"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>web</source>
        <translation>web</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>イメージ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>nginx:1.27</source>
        <translation>nginx:1.27</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+39"/>
        <source>Mode</source>
        <translation>モード</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+151"/>
        <source>Command</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>overrides the image&apos;s entrypoint, e.g. /bin/server --port 80</source>
        <translation>イメージのエントリポイントを上書き（例: /bin/server --port 80）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arguments</source>
        <translation>引数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>overrides the image&apos;s CMD</source>
        <translation>イメージの CMD を上書き</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Working directory</source>
        <translation>作業ディレクトリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>uid[:gid] or name</source>
        <translation>uid[:gid] または名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hostname</source>
        <translation>ホスト名</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Variable</source>
        <translation>変数</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <location line="+2"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <location line="-2"/>
        <location line="+2"/>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Service labels</source>
        <translation>サービス ラベル</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Container labels</source>
        <translation>コンテナ ラベル</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Published</source>
        <translation>公開</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+32"/>
        <source>Target</source>
        <translation>ターゲット</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Published ports (host mode binds on each node running a task; ingress balances across the swarm)</source>
        <translation>公開ポート（host モードはタスクを実行する各ノードでバインドし、ingress は Swarm 全体で負荷分散します）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Networks</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Source</source>
        <translation>ソース</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Read-only</source>
        <translation>読み取り専用</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Secret</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>File in the container (default /run/secrets/&lt;name&gt;)</source>
        <translation>コンテナ内のファイル（既定: /run/secrets/&lt;name&gt;）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Config</source>
        <translation>コンフィグ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>File in the container (default /&lt;name&gt;)</source>
        <translation>コンテナ内のファイル（既定: /&lt;name&gt;）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Mounts</source>
        <translation>マウント</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Secrets</source>
        <translation>シークレット</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Configs</source>
        <translation>コンフィグ</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Constraint (node.role==worker, node.labels.zone!=b, node.hostname==node2)</source>
        <translation>制約（node.role==worker、node.labels.zone!=b、node.hostname==node2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spread over (node.labels.zone)</source>
        <translation>分散の基準（node.labels.zone）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Max replicas per node</source>
        <translation>ノードあたりの最大レプリカ数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no limit</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU limit</source>
        <translation>CPU 制限</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>e.g. 0.5</source>
        <translation>例: 0.5</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory limit</source>
        <translation>メモリ制限</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>e.g. 256M</source>
        <translation>例: 256M</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU reservation</source>
        <translation>CPU 予約</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory reservation</source>
        <translation>メモリ予約</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Constraints</source>
        <translation>制約</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Preferences</source>
        <translation>優先設定</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Restart</source>
        <translation>再起動</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+8"/>
        <source>Delay</source>
        <translation>遅延</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Max attempts</source>
        <translation>最大試行回数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>unlimited</source>
        <translation>無制限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window</source>
        <translation>判定期間</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rollback</source>
        <translation>ロールバック</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parallelism</source>
        <translation>並列数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Order</source>
        <translation>順序</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On failure</source>
        <translation>失敗時</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Monitor</source>
        <translation>監視期間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max failure ratio</source>
        <translation>最大失敗率</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Disable the image&apos;s health check</source>
        <translation>イメージのヘルスチェックを無効にする</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>run by /bin/sh; exit 0 means healthy. Empty: the image&apos;s own</source>
        <translation>/bin/sh で実行され、終了コード 0 で正常。空欄: イメージ自身のチェック</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Interval</source>
        <translation>間隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timeout</source>
        <translation>タイムアウト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retries</source>
        <translation>再試行回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start period</source>
        <translation>開始猶予期間</translation>
    </message>
    <message>
        <location line="+162"/>
        <source>Creating…</source>
        <translation>作成しています…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Updating…</source>
        <translation>更新しています…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Created %1.</source>
        <translation>%1 を作成しました。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Updated %1.</source>
        <translation>%1 を更新しました。</translation>
    </message>
</context>
<context>
    <name>cape::ServiceProgress</name>
    <message>
        <location filename="../models/serviceprogress.cpp" line="+20"/>
        <source>%1 was removed.</source>
        <translation>%1 は削除されました。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 of %2 replicas running</source>
        <translation>%2 個中 %1 個のレプリカが稼働中</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%1 runs %n replica(s).</source>
        <translation>
            <numerusform>%1 は %n 個のレプリカで稼働しています。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scaling %1 to %2: %3 running…</source>
        <translation>%1 を %2 にスケール中: %3 個稼働中…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Rolling %1 back: %2…</source>
        <translation>%1 をロールバック中: %2…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restarting %1: %2…</source>
        <translation>%1 を再起動中: %2…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updating %1: %2…</source>
        <translation>%1 を更新中: %2…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The update of %1 failed and is being rolled back: %2…</source>
        <translation>%1 の更新が失敗し、ロールバック中です: %2…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 restarted: every task replaced.</source>
        <translation>%1 を再起動しました。すべてのタスクが置き換わりました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 updated.</source>
        <translation>%1 を更新しました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 rolled back to its previous specification.</source>
        <translation>%1 を以前の仕様にロールバックしました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The update of %1 failed and was rolled back%2.</source>
        <translation>%1 の更新は失敗し、ロールバックされました%2。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The update of %1 is paused%2.</source>
        <translation>%1 の更新は一時停止しています%2。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The rollback of %1 is paused%2.</source>
        <translation>%1 のロールバックは一時停止しています%2。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: %2.</source>
        <translation>%1: %2。</translation>
    </message>
</context>
<context>
    <name>cape::ServiceTableModel</name>
    <message>
        <location filename="../models/servicetablemodel.cpp" line="+117"/>
        <source>updating</source>
        <translation>更新中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>paused</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>updated</source>
        <translation>更新済み</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rolling back</source>
        <translation>ロールバック中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rollback paused</source>
        <translation>ロールバック一時停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rolled back</source>
        <translation>ロールバック済み</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mode</source>
        <translation>モード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>イメージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports</source>
        <translation>ポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated</source>
        <translation>更新日時</translation>
    </message>
</context>
<context>
    <name>cape::ServicesView</name>
    <message>
        <location filename="../ui/views/servicesview.cpp" line="+54"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No services yet. Create… starts one; a stack (Stacks › Deploy…) starts several.</source>
        <translation>サービスはまだありません。「作成…」で一つ、スタック（スタック › デプロイ…）で複数を起動します。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Create…</source>
        <translation>作成…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Logs</source>
        <translation>ログ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scale…</source>
        <translation>スケール…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restart</source>
        <translation>再起動</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+127"/>
        <source>Roll back</source>
        <translation>ロールバック</translation>
    </message>
    <message>
        <location line="-125"/>
        <location line="+179"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="-143"/>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>イメージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mode</source>
        <translation>モード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 running of %2</source>
        <translation>%2 中 %1 が実行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports</source>
        <translation>ポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Command</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Environment</source>
        <translation>環境変数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labels</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Networks</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Placement</source>
        <translation>配置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Constraints</source>
        <translation>制約</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Limits</source>
        <translation>制限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 CPU, %2 MiB</source>
        <translation>%1 CPU、%2 MiB</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Updates</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>never updated</source>
        <translation>未更新</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parallelism</source>
        <translation>並列数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Order</source>
        <translation>順序</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delay</source>
        <translation>遅延</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On failure</source>
        <translation>失敗時</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 is a global service: it runs one task per eligible node and cannot be scaled.</source>
        <translation>%1 はグローバル サービスです。対象となる各ノードで 1 つずつタスクを実行するため、スケールできません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scale %1</source>
        <translation>%1 のスケール</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Replicas:</source>
        <translation>レプリカ数:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Scaling %1 to %2…</source>
        <translation>%1 を %2 にスケールしています…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Restarting %1…</source>
        <translation>%1 を再起動しています…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Roll %1 back to its previous specification?</source>
        <translation>%1 を以前の仕様にロールバックしますか？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rolling %1 back…</source>
        <translation>%1 をロールバックしています…</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Remove %1? Its tasks are stopped and removed.</source>
        <translation>%1 を削除しますか？ タスクは停止され、削除されます。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removing %1…</source>
        <translation>%1 を削除しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service removed.</source>
        <translation>サービスを削除しました。</translation>
    </message>
</context>
<context>
    <name>cape::StackBootstrap</name>
    <message>
        <location filename="../app/cape/stackbootstrap.cpp" line="+26"/>
        <source>stack %1 did not converge within 3 minutes</source>
        <translation>スタック %1 が 3 分以内に収束しませんでした</translation>
    </message>
</context>
<context>
    <name>cape::StackTableModel</name>
    <message>
        <location filename="../models/stacktablemodel.cpp" line="+50"/>
        <source>Stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Networks</source>
        <translation>ネットワーク</translation>
    </message>
</context>
<context>
    <name>cape::StacksView</name>
    <message>
        <location filename="../ui/stacks/stacksview.cpp" line="+17"/>
        <source>Stacks</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No stacks yet. Deploy… takes a compose file, as docker stack deploy does.</source>
        <translation>スタックはまだありません。「デプロイ…」で compose ファイルを読み込んでデプロイします。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deploy…</source>
        <translation>デプロイ…</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+47"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+15"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 running of %2</source>
        <translation>%2 中 %1 が実行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Networks</source>
        <translation>ネットワーク</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Name, replicas, image</source>
        <translation>名前、レプリカ、イメージ</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Remove the stack %1? Its services, networks, configs and secrets are removed.</source>
        <translation>スタック %1 を削除しますか？ そのサービス、ネットワーク、コンフィグ、シークレットが削除されます。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Stack %1 removed.</source>
        <translation>スタック %1 を削除しました。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Removing %1 stopped: %2</source>
        <translation>%1 の削除が中断しました: %2</translation>
    </message>
</context>
<context>
    <name>cape::StatsCollector</name>
    <message>
        <location filename="../models/statscollector.cpp" line="+247"/>
        <source>%1 is the same engine as %2</source>
        <translation>%1 は %2 と同じエンジンです</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>the engine ended the event stream</source>
        <translation>エンジンがイベント ストリームを終了しました</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>%1: %2 — retrying in %3 s</source>
        <translation>%1: %2 — %3 秒後に再試行します</translation>
    </message>
    <message>
        <location line="+158"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>the engine ended the stats stream</source>
        <translation>エンジンが統計ストリームを終了しました</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stats of %1 on %2: %3 — retrying in %4 s</source>
        <translation>%2 上の %1 の統計: %3 — %4 秒後に再試行します</translation>
    </message>
    <message>
        <location line="+201"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Lost %1: %2</source>
        <translation>%1 との接続が失われました: %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Not measured: %1 (no engine endpoint for them: install cape-agent from the Daemons view, or add them with --node or to the connection&apos;s node list)</source>
        <translation>未計測: %1（エンジン エンドポイントがありません。デーモン ビューから cape-agent をインストールするか、--node で指定するか、接続のノード一覧に追加してください）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not measured: %1 (their cape-agent does not answer)</source>
        <translation>未計測: %1（cape-agent が応答しません）</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>… and %n more stream(s) being retried</source>
        <translation>
            <numerusform>…ほか %n 件のストリームを再試行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n stats sample(s) could not be read; the last: %1</source>
        <translation>
            <numerusform>%n 件の統計サンプルを読み取れませんでした。最後のエラー: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::StatsTableModel</name>
    <message>
        <location filename="../models/statstablemodel.cpp" line="+62"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <location line="+122"/>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 running replicas report stats: the others run on nodes Cape has no engine endpoint for</source>
        <translation>実行中のレプリカ %2 個のうち %1 個が統計を報告しています。残りは、Cape がエンジン エンドポイントを持たないノードで実行されています</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+4"/>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+5"/>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Container</source>
        <translation>コンテナ</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Limit</source>
        <translation>上限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mem %</source>
        <translation>メモリ %</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Net in</source>
        <translation>ネット受信</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Net out</source>
        <translation>ネット送信</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disk read</source>
        <translation>ディスク読み取り</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disk write</source>
        <translation>ディスク書き込み</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIDs</source>
        <translation>PID 数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Containers</source>
        <translation>コンテナ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Replicas</source>
        <translation>レプリカ</translation>
    </message>
</context>
<context>
    <name>cape::StatsView</name>
    <message>
        <location filename="../ui/stats/statsview.cpp" line="+66"/>
        <source>Stats</source>
        <translation>統計</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+230"/>
        <location line="+66"/>
        <source>Whole cluster</source>
        <translation>クラスター全体</translation>
    </message>
    <message>
        <location line="-281"/>
        <source>Containers</source>
        <translation>コンテナ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 min</source>
        <translation>1 分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>10 min</source>
        <translation>10 分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 h</source>
        <translation>1 時間</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Show the sum of every container, a line per node</source>
        <translation>全コンテナの合計をノードごとの線で表示</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIDs</source>
        <translation>PID 数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network in</source>
        <translation>ネットワーク受信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network out</source>
        <translation>ネットワーク送信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disk read</source>
        <translation>ディスク読み取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disk write</source>
        <translation>ディスク書き込み</translation>
    </message>
    <message>
        <location line="+188"/>
        <source>Limit</source>
        <translation>上限</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the last minute</source>
        <translation>直近 1 分間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last 10 minutes</source>
        <translation>直近 10 分間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the last hour</source>
        <translation>直近 1 時間</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 on %2 · the sum of every container, a line per node · %3</source>
        <translation>%2 上の %1 · 全コンテナの合計、ノードごとの線 · %3</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <location line="+29"/>
        <source>%n container(s)</source>
        <translation>
            <numerusform>%n コンテナ</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-28"/>
        <source>%n node(s)</source>
        <translation>
            <numerusform>%n ノード</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Service · %1 on %2 · the total and %3 · %4</source>
        <translation>サービス · %2 上の %1 · 合計と%3 · %4</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n replica(s)</source>
        <translation>
            <numerusform>%n レプリカ</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+20"/>
        <source>a line for each of the %1 busiest</source>
        <translation>負荷上位 %1 個ごとの線</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>a line per replica</source>
        <translation>レプリカごとの線</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n CPU(s), %1</source>
        <translation>
            <numerusform>%n CPU、%1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Node · %1 · %2 · the total and %3 · %4</source>
        <translation>ノード · %1 · %2 · 合計と%3 · %4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>a line per container</source>
        <translation>コンテナごとの線</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Container</source>
        <translation>コンテナ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>replica of %1</source>
        <translation>%1 のレプリカ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>on %1</source>
        <translation>%1 上</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Waiting for the first samples…</source>
        <translation>最初のサンプルを待っています…</translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>%1 of %n container(s) measured so far</source>
        <translation>
            <numerusform>%n 個中 %1 個のコンテナーを計測済み</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n engine(s) not answering yet</source>
        <translation>
            <numerusform>%n 個のエンジンがまだ応答していません</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Partial: %1. The totals grow as samples arrive.</source>
        <translation>一部のみ: %1。サンプルが届くにつれて合計が増えます。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 &lt;span style=&apos;color:#57606a; font-weight:400&apos;&gt;of %2&lt;/span&gt;</source>
        <translation>%1 &lt;span style=&apos;color:#57606a; font-weight:400&apos;&gt;/ %2&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>cape::SwarmView</name>
    <message>
        <location filename="../ui/swarm/swarmview.cpp" line="+49"/>
        <source>Swarm</source>
        <translation>Swarm</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>hidden — “Show tokens” fetches it</source>
        <translation>非表示 —「トークンを表示」で取得します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show tokens</source>
        <translation>トークンを表示</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copy join command</source>
        <translation>参加コマンドをコピー</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rotate</source>
        <translation>ローテーション</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Worker token</source>
        <translation>ワーカー トークン</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Manager token</source>
        <translation>マネージャー トークン</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>worker</source>
        <translation>ワーカー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>manager</source>
        <translation>マネージャー</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The %1 join command is on the clipboard.</source>
        <translation>%1 の参加コマンドをクリップボードにコピーしました。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Rotate the %1 token</source>
        <translation>%1 トークンのローテーション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rotate the %1 join token? Nodes already in the swarm are not affected; the old token stops working for new ones.</source>
        <translation>%1 の参加トークンをローテーションしますか？ 既に Swarm に参加しているノードには影響しません。古いトークンは新しいノードの参加に使えなくなります。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The %1 token was rotated.</source>
        <translation>%1 トークンをローテーションしました。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&lt;p&gt;Not connected to a swarm manager.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Swarm マネージャーに接続していません。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Swarm %1</source>
        <translation>Swarm %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cluster</source>
        <translation>クラスター</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated</source>
        <translation>更新日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nodes</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Managers</source>
        <translation>マネージャー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Default address pool</source>
        <translation>既定のアドレス プール</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Data path port</source>
        <translation>データ パス ポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orchestration</source>
        <translation>オーケストレーション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task history per slot</source>
        <translation>スロットごとのタスク履歴数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Heartbeat</source>
        <translation>ハートビート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Node certificates expire after</source>
        <translation>ノード証明書の有効期間</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 日</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Autolock managers</source>
        <translation>マネージャーの自動ロック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This engine</source>
        <translation>このエンジン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Docker</source>
        <translation>Docker</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operating system</source>
        <translation>オペレーティング システム</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kernel</source>
        <translation>カーネル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Storage driver</source>
        <translation>ストレージ ドライバー</translation>
    </message>
</context>
<context>
    <name>cape::TaskBoard</name>
    <message>
        <location filename="../models/taskboard.cpp" line="+40"/>
        <source>Pending</source>
        <translation>保留中</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>state unknown: the node is %1</source>
        <translation>状態不明: ノードは %1 です</translation>
    </message>
</context>
<context>
    <name>cape::TaskList</name>
    <message>
        <location filename="../ui/views/tasklist.cpp" line="+19"/>
        <source>Show shutdown history</source>
        <translation>シャットダウン履歴を表示</translation>
    </message>
</context>
<context>
    <name>cape::TaskTableModel</name>
    <message>
        <location filename="../models/tasktablemodel.cpp" line="+42"/>
        <source>just now</source>
        <translation>たった今</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n second(s) ago</source>
        <translation>
            <numerusform>%n 秒前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n 分前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n 時間前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 日前</numerusform>
        </translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Desired</source>
        <translation>目標状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Since</source>
        <translation>状態変化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exit</source>
        <translation>終了コード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>イメージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
</context>
<context>
    <name>cape::TasksView</name>
    <message>
        <location filename="../ui/views/tasksview.cpp" line="+21"/>
        <source>Tasks</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show shutdown history</source>
        <translation>シャットダウン履歴を表示</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No tasks: no service runs anything yet.</source>
        <translation>タスクはありません。まだ何も実行しているサービスがありません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Logs</source>
        <translation>ログ</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Node</source>
        <translation>ノード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Slot</source>
        <translation>スロット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Desired</source>
        <translation>目標状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Since</source>
        <translation>状態変化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exit code</source>
        <translation>終了コード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>イメージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Container</source>
        <translation>コンテナ</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loading…</source>
        <translation>読み込んでいます…</translation>
    </message>
</context>
<context>
    <name>cape::TemplatePanel</name>
    <message>
        <location filename="../ui/deploy/templatepanel.cpp" line="+31"/>
        <source>module.exports = function (ctx) {
    return [{name: &apos;web&apos;, image: &apos;nginx:1.27&apos;, replicas: 2}];
};</source>
        <translation>module.exports = function (ctx) {
    return [{name: &apos;web&apos;, image: &apos;nginx:1.27&apos;, replicas: 2}];
};</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>as cape-deployd names it</source>
        <translation>cape-deployd での名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ctx.env as JSON, e.g. {&quot;API_URL&quot;: &quot;http://api:8080&quot;}</source>
        <translation>ctx.env を JSON で指定（例: {&quot;API_URL&quot;: &quot;http://api:8080&quot;}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Service / field</source>
        <translation>サービス / フィールド</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Now</source>
        <translation>現在</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>After the deployment</source>
        <translation>デプロイ後</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>What the templates write with console.log</source>
        <translation>テンプレートが console.log で出力した内容</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open…</source>
        <translation>開く…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a deploy template</source>
        <translation>デプロイ テンプレートを開く</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deploy templates (*.js);;All files (*)</source>
        <translation>デプロイ テンプレート (*.js);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dry run</source>
        <translation>ドライラン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run the templates against the live cluster and show what a deployment would change (Ctrl+R)</source>
        <translation>テンプレートを稼働中のクラスターに対して実行し、デプロイで変わる内容を表示します（Ctrl+R）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Repository</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation>環境変数</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;b&gt;Dry run&lt;/b&gt;: what a deployment would change</source>
        <translation>&lt;b&gt;ドライラン&lt;/b&gt;: デプロイで変わる内容</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 を開けません: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 (working copy %2)</source>
        <translation>%1（作業コピー %2）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save the deploy template</source>
        <translation>デプロイ テンプレートの保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deploy templates (*.js)</source>
        <translation>デプロイ テンプレート (*.js)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot save %1: %2</source>
        <translation>%1 を保存できません: %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved %1.</source>
        <translation>%1 を保存しました。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The environment is not a JSON object: %1</source>
        <translation>環境変数が JSON オブジェクトではありません: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A dry run is running.</source>
        <translation>ドライランを実行中です。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>dry run of the working copy</source>
        <translation>作業コピーのドライラン</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Running the templates…</source>
        <translation>テンプレートを実行しています…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>create</source>
        <translation>作成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>update</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unchanged</source>
        <translation>変更なし</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>new service, %1</source>
        <translation>新規サービス、%1</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n field(s) change</source>
        <translation>
            <numerusform>%n 個のフィールドが変更</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Nothing would change: the cluster runs what the templates describe.</source>
        <translation>変更はありません: クラスターはテンプレートの記述どおりに動作しています。</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>A deployment would change %n service(s) (nothing is applied by a dry run).</source>
        <translation>
            <numerusform>デプロイすると %n 個のサービスが変更されます（ドライランでは何も適用されません）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cape::VisualizerView</name>
    <message>
        <location filename="../ui/visualizer/visualizerview.cpp" line="+22"/>
        <source>Visualizer</source>
        <translation>ビジュアライザー</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;nbsp;&amp;nbsp;&amp;nbsp;faded: shutting down</source>
        <translation>&amp;nbsp;&amp;nbsp;&amp;nbsp;薄い表示: シャットダウン中</translation>
    </message>
</context>
</TS>
