using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Recording;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Recording;

/// <summary><see cref="ChannelMessageRecorder"/>: channel protocol messages, in whatever pieces they pass, become the right channel's bytes.</summary>
public sealed class ChannelMessageRecorderTests
{
    [Fact]
    public void BinaryMessages_InPieces_GoToTheirChannels()
    {
        var (file, recording) = Recording();
        var recorder = new ChannelMessageRecorder(recording, base64: false, fromClient: false);

        recorder.Payload([1, (byte)'h'], messageStart: true, messageEnd: false);
        recorder.Payload("ello"u8, messageStart: false, messageEnd: true);
        recorder.Payload([2, (byte)'!'], messageStart: true, messageEnd: true);
        recorder.Payload([255, 0], messageStart: true, messageEnd: true); // v5's close signal: no channel's data

        Assert.Equal([("stdout", "h"), ("stdout", "ello"), ("stderr", "!")], Chunks(file, recording)); // each piece as it passed
    }

    [Fact]
    public void Base64Messages_SplitInsideAQuad_AreDecodedWhole()
    {
        var (file, recording) = Recording();
        var recorder = new ChannelMessageRecorder(recording, base64: true, fromClient: false);

        recorder.Payload("1aGVs"u8, messageStart: true, messageEnd: false);
        recorder.Payload("bG8="u8, messageStart: false, messageEnd: true);
        recorder.Payload("2!!!"u8, messageStart: true, messageEnd: true); // not base64: that message is dropped

        Assert.Equal([("stdout", "hel"), ("stdout", "lo")], Chunks(file, recording));
    }

    [Fact]
    public void Messages_OnTheOtherSidesChannels_AreNotRecorded()
    {
        var (file, recording) = Recording(recordInput: true);
        var client = new ChannelMessageRecorder(recording, base64: false, fromClient: true);
        var kubelet = new ChannelMessageRecorder(recording, base64: false, fromClient: false);

        client.Payload([1, .. "forged output"u8], messageStart: true, messageEnd: true);
        client.Payload([0, .. "typed"u8], messageStart: true, messageEnd: true);
        kubelet.Payload([0, .. "not input"u8], messageStart: true, messageEnd: true);
        kubelet.Payload([1, .. "output"u8], messageStart: true, messageEnd: true);

        Assert.Equal([("stdin", "typed"), ("stdout", "output")], Chunks(file, recording));
    }

    private static (MemoryStream File, SessionRecording Recording) Recording(bool recordInput = false)
    {
        var file = new MemoryStream();
        var header = new RecordingHeader("a", "jane", [], "demo", "shell", null, "exec", ["sh"], false, DateTimeOffset.UnixEpoch);
        return (file, new SessionRecording("f.jsonl", file, new JsonLinesFormat(), header, new RecordingOptions { RecordInput = recordInput }, new FakeTimeProvider(), (_, e) => throw e));
    }

    private static (string Channel, string Text)[] Chunks(MemoryStream file, SessionRecording recording)
    {
        recording.Complete();
        var lines = Encoding.UTF8.GetString(file.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!);
        var chunks = lines.Where(l => l["data"] is not null).Select(l => ((string)l["channel"]!, Encoding.UTF8.GetString(Convert.FromBase64String((string)l["data"]!)))).ToArray();
        recording.Dispose();
        return chunks;
    }
}
