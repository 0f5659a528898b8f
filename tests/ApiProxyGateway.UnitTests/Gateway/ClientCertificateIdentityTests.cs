using System.Security.Cryptography;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ClientCertificateIdentityTests
{
    [Fact]
    public void Map_CommonNameAndOrganizations_BecomeUserAndGroupsPlusAuthenticated()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, "jane", ["dev", "ops"]);

        var user = ClientCertificateIdentity.Map(certificate).User!;

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

        var user = ClientCertificateIdentity.Map(certificate).User!;

        Assert.Equal(["system:authenticated"], user.Groups);
    }

    [Fact]
    public void Map_EmptyCommonName_IsRejected()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, "", ["dev"]);

        var mapping = ClientCertificateIdentity.Map(certificate);

        Assert.Null(mapping.User);
        Assert.Equal(ClientCertificateFailure.EmptyCommonName, mapping.Failure);
    }

    [Fact]
    public void Map_SeveralCommonNames_IsTheUserKubeApiserverSees()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, [[SubjectPart.CommonName("admin")], [SubjectPart.CommonName("viewer")]]);

        Assert.Equal("viewer", ClientCertificateIdentity.Map(certificate).User!.Name);
    }

    [Fact]
    public void Map_MultiValuedRdn_IsReadAsKubeApiserverReadsIt()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, [[SubjectPart.CommonName("viewer"), SubjectPart.Organization("x")]]);

        var user = ClientCertificateIdentity.Map(certificate).User!;

        Assert.Equal("viewer", user.Name);
        Assert.Equal(["x", "system:authenticated"], user.Groups);
    }

    [Theory]
    [InlineData("O", "tenants\r\nImpersonate-Group: system:masters")]
    [InlineData("O", "tenants\nImpersonate-Group: system:masters")]
    [InlineData("CN", "jane\r\nImpersonate-Group: system:masters")]
    [InlineData("CN", "jane\u0000")]
    [InlineData("CN", " admin")]
    [InlineData("O", "system:masters ")]
    public void Map_IdentityThatCannotTravelInAHeader_IsRefusedAndSaysWhy(string type, string escaped)
    {
        var value = System.Text.RegularExpressions.Regex.Unescape(escaped);
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, type == "CN"
            ? [[SubjectPart.Organization("dev")], [SubjectPart.CommonName(value)]]
            : [[SubjectPart.Organization(value)], [SubjectPart.CommonName("jane")]]);

        var mapping = ClientCertificateIdentity.Map(certificate);

        Assert.Null(mapping.User);
        Assert.Equal(ClientCertificateFailure.UnforwardableSubject, mapping.Failure);
        Assert.Contains(type == "CN" ? "common name" : "organization 1", mapping.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_SubjectGoCannotParse_IsRefused()
    {
        using var ca = TestPki.CreateAuthority("ca");
        using var certificate = TestPki.IssueClient(ca, [[new SubjectPart("CN", "jane@example", System.Formats.Asn1.UniversalTagNumber.PrintableString)]]);

        var mapping = ClientCertificateIdentity.Map(certificate);

        Assert.Equal((null, ClientCertificateFailure.UnreadableSubject), (mapping.User, mapping.Failure));
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
