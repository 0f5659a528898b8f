using System.Collections.Concurrent;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Sessions;

/// <summary>
/// Every front-door connection that presented a client certificate, and every open stream, for as long as each
/// lasts: what <see cref="SessionGuard"/> checks again, and ends when the access it was granted is taken away.
/// Connections come from a Kestrel connection middleware (<see cref="TrackAsync"/>), so a keep-alive connection
/// that carries no request is known too; streams register themselves once they are authorized.
/// </summary>
internal sealed class LiveSessions
{
    private readonly ConcurrentDictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LiveStream, byte> _streams = new();

    public ICollection<LiveConnection> Connections => _connections.Values;

    public ICollection<LiveStream> Streams => _streams.Keys;

    /// <summary>Whether <paramref name="stream"/> is still open (not yet disposed).</summary>
    public bool IsOpen(LiveStream stream) => _streams.ContainsKey(stream);

    /// <summary>Kestrel connection middleware, after TLS: holds the connection while it is open.</summary>
    public async Task TrackAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(next);
        if (connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate is not { } certificate)
        {
            await next(connection);
            return;
        }

        var live = new LiveConnection(connection.ConnectionId, certificate, reason => connection.Abort(new ConnectionAbortedException(reason)));
        _connections[connection.ConnectionId] = live;
        try
        {
            await next(connection);
        }
        finally
        {
            _connections.TryRemove(KeyValuePair.Create(connection.ConnectionId, live));
        }
    }

    /// <summary>
    /// Registers a stream that was just authorized with <paramref name="permissions"/> for <paramref name="user"/>.
    /// Null when the request came without a client certificate (it cannot have been authenticated then).
    /// </summary>
    public LiveStream? Open(HttpContext context, string kind, KubernetesUser user, IReadOnlyList<ResourceAttributes> permissions)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.ClientCertificate is not { } certificate)
        {
            return null;
        }

        var stream = new LiveStream(kind, certificate, user, permissions, s => _streams.TryRemove(s, out _));
        _streams[stream] = 0;
        return stream;
    }
}
