using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Sessions;

/// <summary>One TLS connection of the front door with the client certificate it was opened with, and the way to cut it.</summary>
internal sealed record LiveConnection(string Id, X509Certificate2 Certificate, Action<string> Abort);
