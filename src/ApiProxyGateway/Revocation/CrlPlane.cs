using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// One CRL file, reloaded like every certificate plane (plane <c>client-crl:FILE</c>): also when the client-CA bundle
/// changes, since that decides who may sign it. Each check also warns, once per version, of CRLs past their
/// nextUpdate, so a CRL that goes stale while nothing changes is logged within a reload interval.
/// </summary>
internal sealed class CrlPlane : IReloadable
{
    private readonly ReloadableMaterial<IReadOnlyList<RevocationList>> _material;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private long _warnedGeneration;

    public CrlPlane(string file, string clientCaFile, TimeProvider timeProvider, ILogger logger)
    {
        File = file;
        _timeProvider = timeProvider;
        _logger = logger;
        _material = new ReloadableMaterial<IReadOnlyList<RevocationList>>($"client-crl:{file}", () => [file, clientCaFile],
            () => ClientAuthorities.With(clientCaFile, timeProvider.GetUtcNow(), authorities => CrlReader.Read(file, authorities)));
        Loaded();
    }

    public string File { get; }

    public string Plane => _material.Plane;

    public IReadOnlyList<string> Files => _material.Files;

    public IReadOnlyList<RevocationList> Current => _material.Current;

    public long Generation => _material.Generation;

    public (bool Accepted, string? Problem)? ReloadIfChanged()
    {
        var result = _material.ReloadIfChanged();
        if (result is { Accepted: true })
        {
            Loaded();
        }
        else
        {
            WarnIfStale();
        }

        return result;
    }

    private void Loaded()
    {
        foreach (var list in Current)
        {
            RevocationLog.CrlLoaded(_logger, File, list.Issuer, list.Revoked.Count, list.ThisUpdate, list.NextUpdate);
        }

        WarnIfStale();
    }

    private void WarnIfStale()
    {
        var generation = Generation;
        if (Interlocked.Read(ref _warnedGeneration) == generation)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var stale = Current.Where(list => list.IsStale(now)).ToList();
        foreach (var list in stale)
        {
            RevocationLog.CrlStale(_logger, File, list.Issuer, list.NextUpdate!.Value, now - list.NextUpdate.Value); // IsStale implies NextUpdate
        }

        if (stale.Count > 0)
        {
            Interlocked.Exchange(ref _warnedGeneration, generation);
        }
    }
}
