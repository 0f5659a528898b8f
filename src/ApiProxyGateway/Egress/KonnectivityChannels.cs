namespace ApiProxyGateway.Egress;

/// <summary>
/// The channel new tunnels to one Konnectivity server use. Every tunnel shares it until the server drains it or it
/// breaks; then the next dial opens a fresh one while the old one's tunnels finish on it.
/// </summary>
internal sealed class KonnectivityChannels(EgressServer server) : IDisposable
{
    private readonly Lock _lock = new();
    private KonnectivityChannel? _current;
    private long _opened;

    /// <summary>The current channel, leased for one tunnel (release it when the tunnel ends).</summary>
    public KonnectivityChannel Lease()
    {
        lock (_lock)
        {
            if (_current is null || !_current.TryLease())
            {
                _current = new KonnectivityChannel(server, ++_opened);
                _current.TryLease();
            }

            return _current;
        }
    }

    /// <summary>Stops new tunnels from using <paramref name="channel"/>; false if that was already so.</summary>
    public bool Retire(KonnectivityChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            if (ReferenceEquals(_current, channel))
            {
                _current = null;
            }
        }

        return channel.Retire();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _current?.Retire();
            _current = null;
        }
    }
}
