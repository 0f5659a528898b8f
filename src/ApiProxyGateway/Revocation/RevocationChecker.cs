using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// Decides whether a client certificate whose chain has been built is revoked: listed in the denylist, or in a CRL
/// of the CA that issued it, or (when stale CRLs fail closed) of an issuer whose every CRL is stale. Owns the CRL and
/// denylist material; <see cref="Generation"/> changes with any reload, so cached decisions never outlive it.
/// </summary>
internal sealed class RevocationChecker
{
    private readonly IReadOnlyList<CrlPlane> _crls;
    private readonly ReloadableMaterial<Denylist>? _denylist;
    private readonly bool _failClosed;

    public RevocationChecker(IOptions<RevocationOptions> options, IOptions<ServingOptions> serving, ReloadRegistry registry, GatewayMetrics metrics, TimeProvider timeProvider, ILogger<RevocationChecker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serving);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metrics);
        var settings = options.Value;
        var clientCaFile = serving.Value.ClientCaFile;
        _failClosed = settings.FailClosedOnStaleCrl;
        _crls = [.. settings.CrlFiles.Distinct(StringComparer.Ordinal).Select(file => new CrlPlane(file, clientCaFile, timeProvider, logger))];
        foreach (var crl in _crls)
        {
            registry.Add(crl);
        }

        if (!string.IsNullOrWhiteSpace(settings.DenylistFile))
        {
            var file = settings.DenylistFile;
            _denylist = new ReloadableMaterial<Denylist>("client-denylist", () => [file, clientCaFile], () =>
            {
                var denylist = ClientAuthorities.With(clientCaFile, timeProvider.GetUtcNow(), authorities => DenylistReader.Read(file, authorities));
                RevocationLog.DenylistLoaded(logger, file, denylist.Thumbprints.Count, denylist.IssuerSerials.Count);
                return denylist;
            });
            registry.Add(_denylist);
        }

        metrics.ObserveRevocationLists(() =>
        {
            var now = timeProvider.GetUtcNow();
            return _crls.Select(crl => (crl.File, crl.Current.Max(list => now - list.ThisUpdate), crl.Current.Count(list => list.IsStale(now))));
        });
    }

    /// <summary>Grows whenever any CRL or the denylist is reloaded (the sum of increasing generations).</summary>
    public long Generation => _crls.Sum(crl => crl.Generation) + (_denylist?.Generation ?? 0);

    /// <param name="certificate">The client certificate, its chain to the client-CA bundle built.</param>
    /// <param name="issuer">The CA that issued it (the chain's second element), or null for a certificate that is itself in the bundle.</param>
    /// <param name="now">The time the chain was built for.</param>
    public RevocationVerdict Check(X509Certificate2 certificate, X509Certificate2? issuer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var serial = SerialNumbers.FromBytes(certificate.SerialNumberBytes.Span);
        if (Denylisted(certificate, issuer, serial) is { } listed)
        {
            return listed;
        }

        if (issuer is null)
        {
            return RevocationVerdict.Accepted(null);
        }

        var lists = _crls.SelectMany(crl => crl.Current).Where(list => list.AppliesTo(issuer)).ToList();
        foreach (var list in lists)
        {
            if (list.Revoked.TryGetValue(serial, out var revokedAt))
            {
                return new RevocationVerdict(RevocationSource.Crl, string.Create(CultureInfo.InvariantCulture,
                    $"the client certificate (serial {serial}) was revoked at {revokedAt:yyyy-MM-ddTHH:mm:ssZ} by the CRL '{list.File}' of '{list.Issuer}'"), null);
            }
        }

        if (!_failClosed || lists.Count == 0)
        {
            return RevocationVerdict.Accepted(null);
        }

        if (lists.All(list => list.IsStale(now)))
        {
            var newest = lists.MaxBy(list => list.NextUpdate)!; // All stale: each has a NextUpdate
            return new RevocationVerdict(RevocationSource.StaleCrl, string.Create(CultureInfo.InvariantCulture,
                $"the CRL '{newest.File}' of the client certificate's issuer '{newest.Issuer}' is stale (its next update was due at {newest.NextUpdate:yyyy-MM-ddTHH:mm:ssZ}), and certificates of an issuer without a current CRL are refused"), null);
        }

        // Accepted on a current CRL: decide again once the last current one goes stale.
        return RevocationVerdict.Accepted(lists.Where(list => !list.IsStale(now)).Max(list => list.NextUpdate ?? DateTimeOffset.MaxValue));
    }

    private RevocationVerdict? Denylisted(X509Certificate2 certificate, X509Certificate2? issuer, string serial)
    {
        if (_denylist?.Current is not { } denylist)
        {
            return null;
        }

        var line = denylist.Thumbprints.TryGetValue(certificate.GetCertHashString(HashAlgorithmName.SHA256), out var byThumbprint) ? byThumbprint
            : issuer is not null && denylist.IssuerSerials.TryGetValue(Denylist.IssuerSerialKey(issuer.SubjectName.RawData, serial), out var bySerial) ? bySerial
            : 0;
        return line == 0 ? null : new RevocationVerdict(RevocationSource.Denylist, string.Create(CultureInfo.InvariantCulture,
            $"the client certificate is listed in the denylist '{denylist.File}' at line {line}"), null);
    }
}
