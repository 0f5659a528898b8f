using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Recording;

/// <summary>
/// One session's recording, written as the session runs: relays hand it each chunk of each channel (from both
/// directions at once, so every write takes a lock), it writes lines in its <see cref="RecordingFormat"/>, flushes them
/// to the file every <see cref="RecordingOptions.FlushInterval"/> (a crash loses at most that), and hashes what it
/// writes so that the audit event can name the file's SHA-256. The first write or flush that fails stops the
/// recording and reports it once (<see cref="SessionRecorder"/> decides what happens to the session).
/// </summary>
internal sealed class SessionRecording : IDisposable
{
    /// <summary>A resize message longer than this is no terminal size: it is dropped.</summary>
    private const int MaxResizeMessage = 4096;

    private readonly Lock _lock = new();
    private readonly Stream _file;
    private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly RecordingFormat _format;
    private readonly RecordingHeader _header;
    private readonly RecordingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly long _started;
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<RecordedChannel, ChannelTotals> _totals = [];
    private readonly ArrayBufferWriter<byte> _resize = new(64);
    private readonly ITimer _flushTimer;
    private readonly Action<SessionRecording, Exception> _failed;
    private bool _headerWritten;
    private bool _unflushed;
    private bool _capped;
    private bool _completed;
    private long _recorded;
    private long _written;

    public SessionRecording(string fileName, Stream file, RecordingFormat format, RecordingHeader header, RecordingOptions options, TimeProvider timeProvider, Action<SessionRecording, Exception> failed)
    {
        FileName = fileName;
        _file = file;
        _format = format;
        _header = header;
        _options = options;
        _timeProvider = timeProvider;
        _failed = failed;
        _started = timeProvider.GetTimestamp();
        _json = new Utf8JsonWriter(_line);
        _flushTimer = timeProvider.CreateTimer(_ => Flush(), null, options.FlushInterval, options.FlushInterval);
    }

    /// <summary>The file's name in the recording directory (the audit event's <c>apiproxygateway.io/recording</c>).</summary>
    public string FileName { get; }

    /// <summary>Why the recording stopped early, or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>asciicast or jsonl: the metric label.</summary>
    public string FormatLabel => _format.Extension.TrimStart('.');

    /// <summary>Bytes written to the file so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>Records a chunk of <paramref name="channel"/> as it passes.</summary>
    public void Write(RecordedChannel channel, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Exception? failure = null;
        lock (_lock)
        {
            if (_completed || Failure is not null)
            {
                return;
            }

            try
            {
                if (channel == RecordedChannel.Resize)
                {
                    // Resizes count against the cap too: past it, a client's flood of them writes nothing.
                    if (!_capped && _recorded + data.Length <= _options.MaxSessionBytes)
                    {
                        _recorded += data.Length;
                        Resizes(data);
                    }

                    return;
                }

                Totals(channel).Add(data);
                if (channel == RecordedChannel.Stdin && !_options.RecordInput)
                {
                    return;
                }

                EnsureHeader(null);
                if (_capped)
                {
                    return;
                }

                if (_recorded + data.Length > _options.MaxSessionBytes)
                {
                    _capped = true;
                    WriteLine(_format.CapReached(_json, Seconds(), _options.MaxSessionBytes));
                    return;
                }

                if (WriteLine(_format.Data(_json, Seconds(), channel, data)))
                {
                    _recorded += data.Length;
                    Totals(channel).RecordedBytes += data.Length;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                failure = Fail(e);
            }
        }

        Report(failure);
    }

    /// <summary>Records a terminal size change the relay decoded itself.</summary>
    public void Resize(TerminalSize size)
    {
        Exception? failure = null;
        lock (_lock)
        {
            if (_completed || Failure is not null)
            {
                return;
            }

            try
            {
                RecordSize(size);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                failure = Fail(e);
            }
        }

        Report(failure);
    }

    /// <summary>
    /// Stops the recording because the session can no longer be followed (a relay's frame scanner lost the stream):
    /// what is written stays, nothing more is added, and it is reported as a failure, as a failed write would be.
    /// </summary>
    public void Abandon(string reason)
    {
        Exception? failure = null;
        lock (_lock)
        {
            if (!_completed && Failure is null)
            {
                failure = Fail(new RecordingGapException(reason));
            }
        }

        Report(failure);
    }

    /// <summary>Writes the end line and flushes; returns the file's SHA-256 (hex), or null if the recording failed.</summary>
    public string? Complete()
    {
        Exception? failure = null;
        string? sha256 = null;
        lock (_lock)
        {
            if (_completed)
            {
                return Failure is null ? Convert.ToHexStringLower(_fileHash.GetCurrentHash()) : null;
            }

            _completed = true;
            _flushTimer.Dispose();
            if (Failure is null)
            {
                try
                {
                    EnsureHeader(null);
                    WriteLine(_format.End(_json, Seconds(), _totals));
                    _file.Flush();
                    sha256 = Convert.ToHexStringLower(_fileHash.GetCurrentHash());
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
                {
                    failure = Fail(e);
                }
            }
        }

        Report(failure);
        return sha256;
    }

    public void Dispose()
    {
        Complete();
        lock (_lock)
        {
            _flushTimer.Dispose();
            try
            {
                _file.Dispose();
            }
            catch (IOException)
            {
                // Already reported by the write or flush that failed first.
            }

            _json.Dispose();
            _fileHash.Dispose();
            foreach (var total in _totals.Values)
            {
                total.Dispose();
            }
        }
    }

    private void Flush()
    {
        Exception? failure = null;
        lock (_lock)
        {
            if (!_unflushed || _completed || Failure is not null)
            {
                return;
            }

            try
            {
                _file.Flush();
                _unflushed = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                failure = Fail(e);
            }
        }

        Report(failure);
    }

    /// <summary>Terminal sizes arrive as JSON objects, possibly split across chunks; each whole one is recorded.</summary>
    private void Resizes(ReadOnlySpan<byte> data)
    {
        if (_resize.WrittenCount + data.Length > MaxResizeMessage)
        {
            _resize.ResetWrittenCount();
            return;
        }

        _resize.Write(data);
        var pending = _resize.WrittenSpan;
        var consumed = 0;
        while (TerminalSizeJson.TryRead(pending[consumed..], out var size, out var length))
        {
            consumed += length;
            if (size is { } known)
            {
                RecordSize(known);
            }
        }

        var rest = pending[consumed..].ToArray();
        _resize.ResetWrittenCount();
        _resize.Write(rest);
    }

    /// <summary>
    /// A terminal session's first size goes in the header; later ones are resize events. A zero size (what kubectl
    /// sends when its output is no terminal) says nothing and is left out.
    /// </summary>
    private void RecordSize(TerminalSize size)
    {
        if (size.Width == 0 || size.Height == 0)
        {
            return;
        }

        if (!_headerWritten && _format is AsciicastFormat)
        {
            EnsureHeader(size);
            return;
        }

        EnsureHeader(null);
        _format.Resize(_json, Seconds(), size);
        WriteLine(true);
    }

    private void EnsureHeader(TerminalSize? size)
    {
        if (_headerWritten)
        {
            return;
        }

        _headerWritten = true;
        _format.Header(_json, _header, size);
        WriteLine(true);
    }

    /// <summary>Ends the line the format wrote, if it wrote one, and appends it to the file and the hash.</summary>
    private bool WriteLine(bool written)
    {
        _json.Flush();
        if (!written || _line.WrittenCount == 0)
        {
            _line.ResetWrittenCount();
            _json.Reset(_line);
            return false;
        }

        _line.Write("\n"u8);
        _file.Write(_line.WrittenSpan);
        _fileHash.AppendData(_line.WrittenSpan);
        Interlocked.Add(ref _written, _line.WrittenCount);
        _unflushed = true;
        _line.ResetWrittenCount();
        _json.Reset(_line);
        return true;
    }

    private ChannelTotals Totals(RecordedChannel channel)
    {
        if (!_totals.TryGetValue(channel, out var total))
        {
            total = new ChannelTotals();
            _totals[channel] = total;
        }

        return total;
    }

    private double Seconds() => _timeProvider.GetElapsedTime(_started).TotalSeconds;

    private Exception Fail(Exception e)
    {
        Failure = e;
        _flushTimer.Dispose();
        return e;
    }

    private void Report(Exception? failure)
    {
        if (failure is not null)
        {
            _failed(this, failure);
        }
    }
}
