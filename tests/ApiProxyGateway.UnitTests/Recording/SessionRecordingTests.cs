using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Recording;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Recording;

/// <summary><see cref="SessionRecording"/> over an in-memory file: what it writes, what it keeps past the cap, and how it fails.</summary>
public sealed class SessionRecordingTests
{
    private static readonly RecordingHeader Header = new("audit-1", "jane", ["devs"], "demo", "shell", "shell", "exec", ["sh"], Tty: false, DateTimeOffset.UnixEpoch);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void JsonLines_PastTheCap_KeepsOnlySizesAndHashesOfWhatFollows()
    {
        using var file = new MemoryStream();
        using var recording = Start(file, new JsonLinesFormat(), new RecordingOptions { MaxSessionBytes = 10, RecordInput = true });

        recording.Write(RecordedChannel.Stdout, "123456"u8);
        recording.Write(RecordedChannel.Stdout, "789012"u8);
        recording.Write(RecordedChannel.Stdin, "abc"u8);
        var sha256 = recording.Complete();

        var lines = Lines(file);
        Assert.Equal(4, lines.Length); // header, one chunk, the cap, the end
        Assert.Equal("MTIzNDU2", (string?)lines[1]["data"]);
        Assert.Equal(10, (long)lines[2]["capReached"]!);
        var stdout = lines[3]["end"]!["stdout"]!;
        Assert.Equal((12, 6), ((long)stdout["bytes"]!, (long)stdout["recordedBytes"]!));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("123456789012"u8)), (string?)stdout["sha256"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file.ToArray())), sha256);
    }

    [Fact]
    public void Stdin_WithoutRecordInput_IsCountedAndHashedButNotKept()
    {
        using var file = new MemoryStream();
        using var recording = Start(file, new JsonLinesFormat(), new RecordingOptions());

        recording.Write(RecordedChannel.Stdin, "secret\n"u8);
        recording.Complete();

        var lines = Lines(file);
        Assert.DoesNotContain(lines, line => (string?)line["channel"] == "stdin");
        Assert.DoesNotContain("c2VjcmV0", Encoding.UTF8.GetString(file.ToArray()), StringComparison.Ordinal);
        Assert.Equal(0, (long)lines[^1]["end"]!["stdin"]!["recordedBytes"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("secret\n"u8)), (string?)lines[^1]["end"]!["stdin"]!["sha256"]);
    }

    [Fact]
    public void Asciicast_ResizesSplitAcrossChunks_FirstSizeInTheHeaderLaterOnesAsEventsZeroSizesLeftOut()
    {
        using var file = new MemoryStream();
        using var recording = Start(file, new AsciicastFormat(), new RecordingOptions());

        recording.Write(RecordedChannel.Resize, "{\"Width\":0,\"Height\":0}{\"Width\":1"u8);
        recording.Write(RecordedChannel.Resize, "20,\"height\":40}\n{\"Width\":"u8);
        recording.Write(RecordedChannel.Resize, "80,\"Height\":24}"u8);
        recording.Complete();

        var text = Encoding.UTF8.GetString(file.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = JsonNode.Parse(text[0])!;
        Assert.Equal((120, 40), ((int)header["width"]!, (int)header["height"]!));
        Assert.Equal("80x24", (string?)JsonNode.Parse(text[1])![2]);
        Assert.Equal(2, text.Length);
    }

    [Fact]
    public void Resizes_PastTheCap_WriteNothing()
    {
        using var file = new MemoryStream();
        using var recording = Start(file, new JsonLinesFormat(), new RecordingOptions { MaxSessionBytes = 40 });

        for (var i = 0; i < 100; i++)
        {
            recording.Write(RecordedChannel.Resize, "{\"Width\":1,\"Height\":1}"u8);
        }

        recording.Complete();

        Assert.Single(Lines(file), line => (string?)line["channel"] == "resize"); // 23 bytes each: one fits in 40
    }

    [Fact]
    public void Asciicast_CharacterSplitBetweenChunks_IsWrittenWhole()
    {
        using var file = new MemoryStream();
        using var recording = Start(file, new AsciicastFormat(), new RecordingOptions());

        recording.Write(RecordedChannel.Stdout, [0x61, 0xC3]);
        recording.Write(RecordedChannel.Stdout, [0xA9, 0x62]);
        recording.Complete();

        var events = Encoding.UTF8.GetString(file.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => (string?)JsonNode.Parse(l)![2]);
        Assert.Equal(["a", "éb"], events);
    }

    [Fact]
    public void FlushInterval_Passing_FlushesWhatWasWritten()
    {
        using var file = new CountingStream();
        using var recording = Start(file, new JsonLinesFormat(), new RecordingOptions { FlushInterval = TimeSpan.FromSeconds(1) });

        recording.Write(RecordedChannel.Stdout, "x"u8);
        Assert.Equal(0, file.Flushes);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, file.Flushes);
    }

    [Fact]
    public void WriteFailing_StopsTheRecordingAndReportsItOnce()
    {
        using var file = new CountingStream { FailWrites = true };
        var reported = new List<Exception>();
        using var recording = new SessionRecording("f.jsonl", file, new JsonLinesFormat(), Header, new RecordingOptions(), _time, (_, e) => reported.Add(e));

        recording.Write(RecordedChannel.Stdout, "x"u8);
        recording.Write(RecordedChannel.Stdout, "y"u8);

        Assert.IsType<IOException>(Assert.Single(reported));
        Assert.NotNull(recording.Failure);
        Assert.Null(recording.Complete());
    }

    private SessionRecording Start(Stream file, RecordingFormat format, RecordingOptions options) =>
        new("f" + format.Extension, file, format, Header with { Tty = format is AsciicastFormat }, options, _time, (_, e) => throw new InvalidOperationException("unexpected failure", e));

    private static JsonNode[] Lines(MemoryStream file) =>
        [.. Encoding.UTF8.GetString(file.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!)];

    /// <summary>A file that counts flushes and, when told, fails every write as a full disk does.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public bool FailWrites { get; init; }

        public int Flushes { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (FailWrites)
            {
                throw new IOException("No space left on device");
            }

            base.Write(buffer);
        }

        public override void Flush()
        {
            Flushes++;
            base.Flush();
        }
    }
}
