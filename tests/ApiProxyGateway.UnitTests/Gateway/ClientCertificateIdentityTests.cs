using System.Security.Cryptography;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ClientCertificateIdentityTests
{
    [Fact]
    public void Map_CommonNameAndOrganizations_BecomeUserAndGroupsPlusAuthenticated()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, "jane", ["dev", "ops"]);

        var user = ClientCertificateIdentity.Map(certificate)!;

        Assert.Equal("jane", user.Name);
        Assert.Equal(["dev", "ops", "system:authenticated"], user.Groups);
        Assert.Null(user.Uid);
        var credential = Assert.Single(user.Extra[KubernetesUser.CredentialIdExtra]);
        Assert.Equal("X509SHA256=" + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), credential);
    }

    [Fact]
    public void Map_AuthenticatedAlreadyAnOrganization_IsNotRepeated()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, "jane", ["system:authenticated"]);

        var user = ClientCertificateIdentity.Map(certificate)!;

        Assert.Equal(["system:authenticated"], user.Groups);
    }

    [Fact]
    public void Map_EmptyCommonName_IsRejected()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, "", ["dev"]);

        Assert.Null(ClientCertificateIdentity.Map(certificate));
    }

    [Fact]
    public void Principal_RoundTrip_KeepsEveryAttribute()
    {
        var user = new KubernetesUser("bob", ["a", "b"], "uid-1", new Dictionary<string, IReadOnlyList<string>> { ["scopes"] = ["x", "y"] });

        var back = KubernetesUser.FromPrincipal(user.ToPrincipal("test"))!;

        Assert.Equal(user.Name, back.Name);
        Assert.Equal(user.Groups, back.Groups);
        Assert.Equal(user.Uid, back.Uid);
        Assert.Equal(["x", "y"], back.Extra["scopes"]);
    }
}
