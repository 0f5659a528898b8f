using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Sessions;

/// <summary>One TLS connection of the front door with the client certificate it was opened with, and the way to cut it.</summary>
internal sealed class LiveConnection(string id, X509Certificate2 certificate, Action<string> abort)
{
    public string Id { get; } = id;

    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>Cuts the connection, with the reason Kestrel logs.</summary>
    public Action<string> Abort { get; } = abort;

    /// <summary>
    /// Whether its certificate was accepted at a check: only then is ending it news (logged and counted). A
    /// connection whose certificate was never accepted got its 401s and is simply closed.
    /// </summary>
    public bool Accepted { get; set; }
}
