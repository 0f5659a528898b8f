using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// One listener for both kinds of frontend client, as a Kestrel connection middleware: a connection that opens with
/// HTTP/2's preface (<c>PRI * HTTP/2.0</c>) is a gRPC client and goes on to Kestrel; anything else is an HTTP/1.x
/// request for the HTTP CONNECT frontend (<see cref="HttpConnectTunnel"/>).
/// </summary>
internal static class HttpConnectFrontend
{
    private static readonly byte[] Http2Preface = "PRI "u8.ToArray();

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(TunnelRouter router, KonnectivityServerLifetime lifetime, ILogger logger) => next => async connection =>
    {
        switch (await IsHttp2Async(connection.Transport.Input, connection.ConnectionClosed))
        {
            case true:
                await next(connection);
                break;
            case false:
                await new HttpConnectTunnel(connection, router, lifetime, logger).RunAsync();
                break;
        }
    };

    /// <summary>Peeks at the first bytes without consuming them; null when the connection ends before it says anything.</summary>
    private static async Task<bool?> IsHttp2Async(PipeReader input, CancellationToken closed)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(closed);
                var buffer = result.Buffer;
                var seen = (int)Math.Min(buffer.Length, Http2Preface.Length);
                var start = buffer.Slice(0, seen).ToArray();
                if (!Http2Preface.AsSpan(0, seen).SequenceEqual(start))
                {
                    input.AdvanceTo(buffer.Start);
                    return false;
                }

                if (seen == Http2Preface.Length)
                {
                    input.AdvanceTo(buffer.Start);
                    return true;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return null;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException)
        {
            return null;
        }
    }
}
