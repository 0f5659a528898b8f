using System.Collections.Frozen;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// The certificates an operator refused by hand, each with the line that lists it: SHA-256 thumbprints, and issuer
/// and serial pairs keyed by the exact subject bytes of the CA in the bundle (see <see cref="DenylistReader"/>).
/// </summary>
internal sealed record Denylist(string File, FrozenDictionary<string, int> Thumbprints, FrozenDictionary<string, int> IssuerSerials)
{
    public static Denylist Empty { get; } = new("", FrozenDictionary<string, int>.Empty, FrozenDictionary<string, int>.Empty);

    public static string IssuerSerialKey(ReadOnlySpan<byte> issuerName, string serial) => $"{Convert.ToHexString(issuerName)}/{serial}";
}
