using System.Globalization;
using System.Text;

namespace ApiProxyGateway.Egress;

/// <summary>
/// Opens a tunnel with HTTP CONNECT (RFC 9110 §9.3.6) on a connection to a Konnectivity server, as kube-apiserver's
/// <c>tunnelHTTPConnect</c> does: the proxy's answer is read with a size limit, exactly 200 is a tunnel, and anything
/// else is an error that carries the proxy's status, reason and the start of its explanation.
/// </summary>
internal static class HttpConnectHandshake
{
    /// <summary>The most the proxy's status line and headers may take (a Konnectivity server sends a few dozen bytes).</summary>
    public const int MaxResponseHeadBytes = 16 * 1024;

    private const int MaxExplanationBytes = 1024;
    private static readonly TimeSpan ExplanationTime = TimeSpan.FromSeconds(1);

    /// <summary>Turns <paramref name="connection"/> into a tunnel to <paramref name="authority"/> (a <c>host:port</c> checked by
    /// <see cref="EgressAddress"/>), or throws an <see cref="EgressException"/> naming <paramref name="proxy"/>.</summary>
    public static async Task RunAsync(Stream connection, string authority, string proxy, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // Step by step: send the request head; read up to the blank line that ends the response head, within the
        // limit; take the status from the first line; accept exactly 200 with nothing after the head (the client speaks
        // first in TLS and HTTP, so the proxy cannot have relayed anything yet); otherwise read a little of the body,
        // which a Konnectivity server uses to say why, and fail with all of it.
        ArgumentNullException.ThrowIfNull(connection);
        await connection.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"), cancellationToken);
        await connection.FlushAsync(cancellationToken);

        var buffer = new byte[MaxResponseHeadBytes];
        var filled = 0;
        int headEnd;
        while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                throw new EgressException(EgressFailure.Refused, $"{proxy} answered CONNECT {authority} with a response head over {MaxResponseHeadBytes} bytes");
            }

            var read = await connection.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw new EgressException(EgressFailure.Unavailable, $"{proxy} closed the connection without answering CONNECT {authority}");
            }

            filled += read;
        }

        var lines = Encoding.Latin1.GetString(buffer, 0, headEnd).Split("\r\n");
        var (code, reason) = ParseStatusLine(lines[0]) ?? throw new EgressException(EgressFailure.Refused,
            $"{proxy} answered CONNECT {authority} with something other than HTTP: \"{EgressReply.Printable(lines[0], 80)}\"");
        var after = filled - headEnd - 4;
        if (code == 200)
        {
            if (after > 0)
            {
                throw new EgressException(EgressFailure.Refused, string.Create(CultureInfo.InvariantCulture,
                    $"{proxy} sent {after} unexpected bytes after its 200 answer to CONNECT {authority}"));
            }

            return;
        }

        var explanation = await ReadExplanationAsync(connection, buffer.AsMemory(headEnd + 4, after), ContentLength(lines), timeProvider, cancellationToken);
        var failure = code == 503 ? EgressFailure.Unavailable : EgressReply.Classify(explanation);
        throw new EgressException(failure, string.Create(CultureInfo.InvariantCulture,
            $"{proxy} refused CONNECT {authority}: {code} {reason}{(explanation.Length > 0 ? $": {explanation}" : "")}"));
    }

    /// <summary><c>HTTP/1.x NNN reason</c>, or null.</summary>
    private static (int Code, string Reason)? ParseStatusLine(string line)
    {
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[0] is "HTTP/1.1" or "HTTP/1.0" && parts[1].Length == 3
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? (code, parts.Length == 3 ? EgressReply.Printable(parts[2], 80) : "")
            : null;
    }

    private static int? ContentLength(string[] lines)
    {
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return length;
            }
        }

        return null;
    }

    /// <summary>The start of the proxy's body: until its length, the end of the connection, a limit, or a short time.</summary>
    private static async Task<string> ReadExplanationAsync(Stream connection, ReadOnlyMemory<byte> already, int? contentLength, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var wanted = Math.Min(contentLength ?? MaxExplanationBytes, MaxExplanationBytes);
        var body = new byte[wanted];
        var filled = Math.Min(already.Length, wanted);
        already[..filled].CopyTo(body);
        using var time = new CancellationTokenSource(ExplanationTime, timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, time.Token);
        try
        {
            int read;
            while (filled < wanted && (read = await connection.ReadAsync(body.AsMemory(filled), deadline.Token)) > 0)
            {
                filled += read;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The explanation is a courtesy: what arrived in time is enough.
        }

        return EgressReply.Printable(Encoding.UTF8.GetString(body, 0, filled), MaxExplanationBytes);
    }
}
