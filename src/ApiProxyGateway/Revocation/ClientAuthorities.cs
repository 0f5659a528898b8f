using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// The client-CA bundle as its file says now, for verifying revocation material when it is loaded. Read from the
/// file rather than taken from the front door's current material, so that a CRL and the CA that signs it can change
/// together whichever plane reloads first.
/// </summary>
internal static class ClientAuthorities
{
    public static T With<T>(string clientCaFile, DateTimeOffset now, Func<X509Certificate2Collection, T> use)
    {
        var authorities = CertificateLoading.Bundle(clientCaFile, now);
        try
        {
            return use(authorities);
        }
        finally
        {
            foreach (var authority in authorities)
            {
                authority.Dispose();
            }
        }
    }
}
