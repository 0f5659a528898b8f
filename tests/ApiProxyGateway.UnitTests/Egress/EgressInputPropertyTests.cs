using System.Text;
using ApiProxyGateway.Egress;
using ApiProxyGateway.UnitTests.Protocols;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Egress;

/// <summary>
/// The properties of fuzz/'s <c>egress-selector-config</c> and <c>http-connect-response</c> targets against generated
/// input: the configuration reader reads or reports, never throws; an answer to CONNECT opens a tunnel only on a 200
/// and is otherwise refused with one short printable line.
/// </summary>
public sealed class EgressInputPropertyTests
{
    private static readonly string[] Fragments =
    [
        "apiVersion: apiserver.k8s.io/v1beta1\n", "kind: EgressSelectorConfiguration\n", "egressSelections:\n", "- name: cluster\n",
        "  connection:\n", "    proxyProtocol: GRPC\n", "    transport:\n", "      uds:\n", "        udsName: /run/k.sock\n",
        "      tcp: {url: \"https://k:8131\", tlsConfig: {caBundle: a}}\n", "&a ", "*a", "{", "}", "[", "]", ": ", "- ", "'", "\"", "\t", "\n", "---\n", "%YAML 1.1\n", "!!str ", "? ",
    ];

    [Fact]
    public void EgressConfiguration_AnyText_IsReadOrReportedNeverThrown()
    {
        Gen.OneOf(Gen.OneOf(Fragments).Array[0, 40].Select(string.Concat), Gen.String).Sample(text =>
        {
            var (configuration, errors) = EgressConfigurationReader.Parse(text);

            Assert.True((configuration is null) != (errors.Count == 0), $"configuration {(configuration is null ? "absent" : "present")} with {errors.Count} errors");
        });
    }

    [Fact]
    public async Task HttpConnectAnswer_AnyBytes_IsATunnelOnlyOn200AndOtherwiseOnePrintableLine()
    {
        string[] heads = ["HTTP/1.1 200 OK\r\n\r\n", "HTTP/1.1 503 Service Unavailable\r\n", "HTTP/1.0 500 x\r\nContent-Length: 9\r\n\r\n", "\r\n\r\n", "\u0000\u001b\r\n"];
        var answers = Gen.Select(Gen.OneOf(heads), Gen.Byte.Array[0, 200]).Select((head, tail) => (byte[])[.. Encoding.Latin1.GetBytes(head), .. tail]);
        await answers.SampleAsync(async answer =>
        {
            var (connection, proxy) = DuplexPipeStream.CreatePair();
            await using (connection)
            await using (proxy)
            {
                var answering = AnswerThenCloseAsync(proxy, answer);
                try
                {
                    await HttpConnectHandshake.RunAsync(connection, "10.0.0.5:10250", "the proxy", TimeProvider.System, CancellationToken.None);
                    Assert.StartsWith("HTTP/1.1 200 ", Encoding.Latin1.GetString(answer), StringComparison.Ordinal);
                }
                catch (EgressException e)
                {
                    Assert.DoesNotContain(e.Message, char.IsControl);
                    Assert.True(e.Message.Length < 2048, $"{e.Message.Length} characters");
                }

                await answering;
            }
        }, iter: 200);
    }

    /// <summary>A proxy: reads the CONNECT request head, answers, and closes.</summary>
    private static async Task AnswerThenCloseAsync(Stream proxy, byte[] answer)
    {
        var request = new List<byte>();
        var buffer = new byte[256];
        while (!request.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
        {
            var read = await proxy.ReadAsync(buffer);
            Assert.NotEqual(0, read);
            request.AddRange(buffer.AsSpan(0, read));
        }

        await proxy.WriteAsync(answer);
        await proxy.DisposeAsync();
    }
}
