namespace ApiProxyGateway.Tls;

/// <summary>Certificate material that can be reloaded from its files while the gateway runs.</summary>
internal interface IReloadable
{
    /// <summary>The plane, for logs and metrics: serving, client-ca, apiserver, kubelet-client, kubelet-ca, workload-…</summary>
    string Plane { get; }

    /// <summary>The files the material is read from now (as configured; symlinks are followed when read).</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>
    /// Reloads when the files' contents changed since the last attempt. Returns null when nothing changed,
    /// otherwise whether the new material was accepted and, if not, why (the old material stays in use).
    /// </summary>
    (bool Accepted, string? Problem)? ReloadIfChanged();
}
