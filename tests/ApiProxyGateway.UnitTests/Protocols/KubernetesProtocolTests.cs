using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class KubernetesProtocolTests
{
    [Theory]
    [InlineData(new[] { "v4.channel.k8s.io", "v3.channel.k8s.io" }, "v4.channel.k8s.io")]
    [InlineData(new[] { "v5.channel.k8s.io, v4.channel.k8s.io,v3.channel.k8s.io" }, "v5.channel.k8s.io")]
    [InlineData(new[] { "v9.channel.k8s.io", " channel.k8s.io " }, "channel.k8s.io")]
    [InlineData(new[] { "v9.channel.k8s.io" }, null)]
    public void Select_OfferedRemoteCommandVersions_PicksTheClientsFirstSupported(string[] offered, string? expected)
    {
        Assert.Equal(expected, ProtocolNegotiation.Select(offered, StreamProtocols.RemoteCommandSpdy));
    }

    [Fact]
    public void Select_ClientPrefersOlderVersion_ClientOrderWins()
    {
        Assert.Equal("v2.channel.k8s.io", ProtocolNegotiation.Select(["v2.channel.k8s.io, v4.channel.k8s.io"], StreamProtocols.RemoteCommandSpdy));
    }

    [Theory]
    [InlineData("stdin=true&stdout=true&tty=true", true, true, false, true)]
    [InlineData("input=1&output=1&error=1", false, false, false, false)]
    [InlineData("stdin=false&stdout=1&stderr=0", false, true, false, false)]
    [InlineData("stdin=&stdout=yes&stderr=FALSE&tty=2", true, true, false, true)]
    [InlineData("stdin=1&stdin=0&Stdout=1", true, false, false, false)]
    public void FromQuery_ReadsTheApiServersParametersAsItsParameterCodecDoes(string query, bool stdin, bool stdout, bool stderr, bool tty)
    {
        var pairs = query.Split('&').Select(p => p.Split('=')).Select(p => KeyValuePair.Create(p[0], (string?)p[1]));

        var options = RemoteCommandOptions.FromQuery(pairs);

        Assert.Equal(new RemoteCommandOptions { Stdin = stdin, Stdout = stdout, Stderr = stderr, Tty = tty }, options);
    }

    [Fact]
    public void EncodeExit_NonZeroOnV4_IsAStatusWithNonZeroExitCodeAndExitCodeCause()
    {
        var json = Encoding.UTF8.GetString(ExecStatusCodec.EncodeExit(3, 4));

        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}""",
            json);
    }

    [Fact]
    public void EncodeExit_ZeroOnV5_IsSuccess()
    {
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}""", Encoding.UTF8.GetString(ExecStatusCodec.EncodeExit(0, 5)));
    }

    [Theory]
    [InlineData(1, 0, "")]
    [InlineData(3, 0, "")]
    [InlineData(2, 7, "command terminated with non-zero exit code: exit status 7")]
    public void EncodeExit_BeforeV4_IsEmptyOrPlainText(int version, int exitCode, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(ExecStatusCodec.EncodeExit(exitCode, version)));
    }

    [Fact]
    public void Decode_KubeletStatusWithoutTypeMeta_GivesTheExitCode()
    {
        // What a kubelet writes: json.Marshal of metav1.Status with an empty TypeMeta.
        var kubelet = """{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"""u8;

        Assert.Equal(new RemoteCommandResult(3, null), ExecStatusCodec.Decode(kubelet, 4));
        Assert.Equal(new RemoteCommandResult(0, null), ExecStatusCodec.Decode("""{"metadata":{},"status":"Success"}"""u8, 5));
        Assert.Equal(new RemoteCommandResult(0, null), ExecStatusCodec.Decode([], 4));
        Assert.Equal(new RemoteCommandResult(null, "container not found"), ExecStatusCodec.Decode("""{"status":"Failure","message":"container not found","reason":"InternalError","code":500}"""u8, 4));
        Assert.Equal(new RemoteCommandResult(null, "boom"), ExecStatusCodec.Decode("boom"u8, 2));
    }

    [Fact]
    public void ChannelFraming_BinaryBase64AndCloseSignal_MatchTheWireLayout()
    {
        var (binary, binaryType) = ChannelFraming.Encode(1, "hi"u8, base64: false);
        var (text, textType) = ChannelFraming.Encode(2, "hi"u8, base64: true);

        Assert.Equal([1, (byte)'h', (byte)'i'], binary);
        Assert.Equal(WebSocketMessageType.Binary, binaryType);
        Assert.Equal(("2aGk=", WebSocketMessageType.Text), (Encoding.ASCII.GetString(text), textType));
        Assert.Equal(new ChannelMessage(0, ReadOnlyMemory<byte>.Empty, true), ChannelFraming.Decode([255, 0], false, closeSignals: true));
        Assert.Equal("hi", Encoding.ASCII.GetString(ChannelFraming.Decode(text, true, false)!.Value.Data.Span));
        Assert.Equal(255, ChannelFraming.Decode([255, 0], false, closeSignals: false)!.Value.Channel);
        Assert.Null(ChannelFraming.Decode([], false, true));
    }

    [Fact]
    public async Task TerminalSizeReader_EventsSplitAcrossReads_YieldsEachAsItCompletes()
    {
        var json = """{"Width":80,"Height":24}""" + "\n" + """{"Width":120,"Height":40}""" + "\n";
        var stream = new ChunkedStream(Encoding.ASCII.GetBytes(json), 7);

        var sizes = new List<TerminalSize>();
        await foreach (var size in TerminalSizeReader.ReadAllAsync(stream, TestContext.Current.CancellationToken))
        {
            sizes.Add(size);
        }

        Assert.Equal([new TerminalSize(80, 24), new TerminalSize(120, 40)], sizes);
    }

    [Theory]
    [InlineData("""{"height":40,"width":100}""")] // the JavaScript client
    [InlineData("""{"WIDTH":100,"hEiGhT":40}""")]
    [InlineData("""{"Width":100,"Height":40}""")] // client-go
    public async Task TerminalSizeReader_FieldNamesInAnyCase_AreReadAsGoReadsThem(string json)
    {
        var sizes = new List<TerminalSize>();
        await foreach (var size in TerminalSizeReader.ReadAllAsync(new MemoryStream(Encoding.ASCII.GetBytes(json)), TestContext.Current.CancellationToken))
        {
            sizes.Add(size);
        }

        Assert.Equal([new TerminalSize(100, 40)], sizes);
    }

    /// <summary>Returns at most <paramref name="chunk"/> bytes per read, as a network stream may.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
